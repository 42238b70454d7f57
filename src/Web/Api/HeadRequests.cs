namespace Dashboard.Web.Api;

/// <summary>Every GET route of the API also answers HEAD (status and headers, no body), as HTTP clients expect.</summary>
public static class HeadRequests
{
    public static TBuilder AnswerHeadLikeGet<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods;
            if (methods is [var only] && HttpMethods.IsGet(only))
                endpoint.Metadata.Add(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
        });
        return builder;
    }
}
