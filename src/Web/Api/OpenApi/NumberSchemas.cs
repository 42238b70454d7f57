using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Dashboard.Web.Api.OpenApi;

/// <summary>
/// Floating-point numbers are written as JSON numbers, or as the strings "NaN", "Infinity" and "-Infinity"
/// (a diverged loss is NaN): a number or one of those strings, and null where the field is nullable. Free-form
/// objects (configs, sweeps) allow any property.
/// </summary>
public static class NumberSchemas
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonPropertyInfo?.PropertyType ?? context.JsonTypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(double) || underlying == typeof(float))
        {
            var nullable = underlying != type || schema.Type?.HasFlag(JsonSchemaType.Null) == true;
            schema.Type = null;
            schema.Format = null;
            schema.Enum = null;
            schema.AnyOf =
            [
                new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double" },
                new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("NaN"), JsonValue.Create("Infinity"), JsonValue.Create("-Infinity")] },
            ];
            if (nullable) schema.AnyOf.Add(new OpenApiSchema { Type = JsonSchemaType.Null });
        }
        else if (type == typeof(JsonObject))
        {
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = new OpenApiSchema();
        }
        return Task.CompletedTask;
    }
}
