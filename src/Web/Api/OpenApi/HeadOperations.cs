using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Dashboard.Web.Api.OpenApi;

/// <summary>HEAD answers what GET answers, without a body; its operation says so (and has its own operation id).</summary>
public static class HeadOperations
{
    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (!HttpMethods.IsHead(context.Description.HttpMethod ?? "")) return Task.CompletedTask;
        operation.Summary = "Headers only: " + operation.Summary;
        if (operation.OperationId is { Length: > 0 } id) operation.OperationId = id + "Head";
        return Task.CompletedTask;
    }
}
