using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Dashboard.Web.Tests.Support;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Tests.Components;

/// <summary>Renders a component with bUnit (see <see cref="Markup"/>) and parses it, for markup assertions.</summary>
public static class MarkupDocument
{
    public static async Task<IDocument> RenderAsync<TComponent>(IDictionary<string, object?> parameters) where TComponent : IComponent =>
        await new HtmlParser().ParseDocumentAsync(await Markup.RenderRawAsync<TComponent>(parameters));

    public static string Text(this IElement element) => string.Join(' ', element.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
