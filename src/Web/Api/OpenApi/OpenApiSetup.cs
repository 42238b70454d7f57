using Microsoft.AspNetCore.OpenApi;

namespace Dashboard.Web.Api.OpenApi;

/// <summary>
/// /openapi/v1.json: the endpoints' own metadata (request bodies, every status with its schema) plus what no
/// endpoint says alone: how to authenticate, numbers that may be NaN, and free-form JSON objects.
/// </summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddDashboardOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<ApiSecurity>();
            options.AddDocumentTransformer<NullableReferences>();
            options.AddSchemaTransformer(NumberSchemas.TransformAsync);
            options.AddOperationTransformer(HeadOperations.TransformAsync);
        });
}
