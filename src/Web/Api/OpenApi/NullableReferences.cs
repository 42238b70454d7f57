using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Dashboard.Web.Api.OpenApi;

/// <summary>
/// A nullable reference is generated as oneOf [null, $ref]. Where the referenced schema also admits null (any JSON
/// value, as configs are), oneOf rejects null for matching twice; anyOf says what is meant, "null or this".
/// </summary>
public sealed class NullableReferences : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var seen = new HashSet<IOpenApiSchema>(ReferenceEqualityComparer.Instance);
        foreach (var schema in document.Components?.Schemas?.Values ?? []) Visit(schema, seen);
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            foreach (var parameter in operation.Parameters ?? []) Visit(parameter.Schema, seen);
            foreach (var media in operation.RequestBody?.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>()) Visit(media.Schema, seen);
            foreach (var media in (operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()).SelectMany(r => r.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>())) Visit(media.Schema, seen);
        }
        return Task.CompletedTask;
    }

    private static void Visit(IOpenApiSchema? schema, HashSet<IOpenApiSchema> seen)
    {
        if (schema is not OpenApiSchema s || !seen.Add(s)) return;
        if (s.OneOf is { Count: 2 } oneOf && oneOf.Any(o => o is OpenApiSchema { Type: JsonSchemaType.Null }))
        {
            s.AnyOf = oneOf;
            s.OneOf = null;
        }
        foreach (var child in (s.Properties?.Values ?? Enumerable.Empty<IOpenApiSchema>()).Concat(s.AnyOf ?? []).Concat(s.OneOf ?? []).Concat(s.AllOf ?? []))
            Visit(child, seen);
        Visit(s.Items, seen);
        Visit(s.AdditionalProperties, seen);
    }
}
