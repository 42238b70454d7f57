using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Web.Access;

/// <summary>401 and 403 answers for API callers: problem details that say what to do, never a redirect to a page.</summary>
public static class AccessProblems
{
    public const string SignInRequired =
        "Send an API token as 'Authorization: Bearer <token>' (make one on /account), or sign in.";
    public const string BadToken = "The API token is unknown, malformed or revoked; make a new one on /account.";
    public const string ReadOnly = "A review link is read-only and shows only the run, experiment or comparison it was made for.";
    public const string Forbidden = "This account may not do that.";

    /// <summary>The REST API and the SignalR hubs: machines, answered with status codes and problem details, never redirects.</summary>
    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || IsHub(request);

    public static bool IsHub(HttpRequest request) => request.Path.StartsWithSegments("/hubs");

    public static Task WriteAsync(HttpContext http, int status, string detail)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = status == StatusCodes.Status401Unauthorized ? "Sign-in required" : "Not allowed",
                Detail = detail,
            },
        }).AsTask();
    }

    public static string ForbiddenDetail(HttpContext http) => ReviewSession.Of(http.User) is not null ? ReadOnly : Forbidden;
}
