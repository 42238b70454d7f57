using Dashboard.Domain;
using Dashboard.Domain.Runs;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Api;

/// <summary>
/// Turns what a client got wrong into 400/404/409 problem details that name the field, and a database that is
/// away into 503 with Retry-After. Only a fault of ours may become a 500, and then without internals.
/// </summary>
public sealed class ApiProblems(IProblemDetailsService problems, ILogger<ApiProblems> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, details) = exception switch
        {
            InvalidInputException invalid => (400, Validation(invalid)),
            BadHttpRequestException bad => (bad.StatusCode, new ProblemDetails { Title = "Bad request", Detail = bad.Message }),
            Actions.ActionConflictException refused => (409, new ProblemDetails { Title = "Not allowed now", Detail = refused.Message }),
            IllegalRunTransitionException illegal => (409, new ProblemDetails { Title = "Not allowed in this state", Detail = illegal.Message }),
            KeyNotFoundException missing => (404, new ProblemDetails { Title = "Not found", Detail = missing.Message }),
            _ when Hosting.DatabaseOutage.Is(exception) => (503, new ProblemDetails
            {
                Title = "Database unavailable",
                Detail = $"The dashboard cannot reach its database just now; try again in {Hosting.DatabaseOutage.RetryAfterSeconds} seconds.",
            }),
            _ => (500, new ProblemDetails { Title = "Internal error", Detail = "The server failed; the error is in its log." }),
        };
        if (status == 500) log.LogError(exception, "Unhandled error for {Method} {Path}", http.Request.Method, http.Request.Path);
        if (status == 503)
        {
            log.LogWarning("Database unavailable for {Method} {Path}: {Message}", http.Request.Method, http.Request.Path, exception.Message);
            http.Response.Headers.RetryAfter = Hosting.DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        details.Status = status;
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }

    public static ValidationProblemDetails Validation(InvalidInputException invalid) =>
        new(invalid.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()))
        {
            Title = "Invalid input",
            Detail = string.Join("; ", invalid.Errors),
            Status = 400,
        };

    public static IResult NotFound(string what) =>
        Results.Problem(title: "Not found", detail: $"{what} does not exist.", statusCode: 404);
}
