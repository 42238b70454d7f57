namespace Dashboard.Web.Access;

/// <summary>Where to go after signing in: only a path of this site ("/runs/12"), never another host (no open redirect).</summary>
public static class LocalReturnUrl
{
    public static string Sanitize(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl[0] != '/') return "/";
        // "//host" and "/\host" are other hosts to browsers; control characters can smuggle either.
        if (returnUrl.Length > 1 && returnUrl[1] is '/' or '\\') return "/";
        if (returnUrl.Any(c => char.IsControl(c) || c == '\\')) return "/";
        return returnUrl;
    }
}
