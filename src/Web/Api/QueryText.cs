using Dashboard.Domain;

namespace Dashboard.Web.Api;

/// <summary>
/// A query string whose names or values hold text the database cannot compare against (%00, a lone surrogate)
/// is answered 400 naming the parameter, for pages and the API alike, before any handler queries with it.
/// </summary>
public static class QueryText
{
    public static IApplicationBuilder UseQueryTextCheck(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var errors = Problems(http.Request.Query);
        if (errors.Count > 0)
        {
            await Results.Problem(ApiProblems.Validation(new InvalidInputException(errors))).ExecuteAsync(http);
            return;
        }
        await next(http);
    });

    public static IReadOnlyList<ValidationError> Problems(IQueryCollection query)
    {
        var errors = new List<ValidationError>();
        foreach (var (name, values) in query)
        {
            if (StoredText.Problem(name) is { } badName)
            {
                errors.Add(new("query", $"a parameter name {badName}"));
                continue;
            }
            foreach (var value in values)
                if (StoredText.Problem(value) is { } problem)
                {
                    errors.Add(new(name, problem));
                    break;
                }
        }
        return errors;
    }
}
