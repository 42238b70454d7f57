using System.Text.RegularExpressions;
using Dashboard.Domain;
using Dashboard.Domain.Experiments;
using Dashboard.Domain.Families;
using Dashboard.Web.Components.Experiments;
using Dashboard.Web.Editing;
using Dashboard.Web.Tests.Support;

namespace Dashboard.Web.Tests.Components;

public sealed class ConfigFieldsFormTests
{
    private static readonly FamilyCatalogue Catalogue = FamilyCatalogue.BuiltIn();

    public static TheoryData<string> Families() => [.. Catalogue.All.Select(f => f.Name)];

    private static Task<string> Render(ExperimentDraft draft, IReadOnlyList<ValidationError> errors) =>
        Markup.RenderAsync<ConfigFieldsForm>(new Dictionary<string, object?>
        {
            [nameof(ConfigFieldsForm.Draft)] = draft,
            [nameof(ConfigFieldsForm.Errors)] = errors,
        });

    /// <summary>The errors the API answers for this draft's request (the page shows exactly these).</summary>
    private static IReadOnlyList<ValidationError> ApiErrors(ExperimentDraft draft)
    {
        try
        {
            ExperimentRequest.Parse(draft.ToRequest(), Catalogue, DateTimeOffset.UtcNow, new TimeOnly(22, 0));
            return [];
        }
        catch (InvalidInputException invalid) { return invalid.Errors; }
    }

    /// <summary>The markup of one field's block.</summary>
    private static string FieldBlock(string html, string field) =>
        Regex.Match(html, $"<div class=\"field[^\"]*\"[^>]*data-testid=\"config-field-{Regex.Escape(field)}\">.*?(?=<div class=\"field|<div class=\"extras|$)",
            RegexOptions.Singleline).Value;

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Every_field_of_the_family_is_an_input_showing_its_default(string name)
    {
        var family = Catalogue.Get(name);
        var html = await Render(ExperimentDraft.For(family), []);

        foreach (var field in family.Fields)
        {
            var block = FieldBlock(html, field.Name);
            block.Should().NotBeEmpty($"{field.Name} needs an input");
            block.Should().Contain(field.Description);
            if (field.Default is not null && field.Type != ConfigFieldType.Boolean)
                block.Should().Contain($"Default {FieldText.ToText(field.Default)}.");
            if (field.Type == ConfigFieldType.Choice)
                foreach (var choice in field.Choices!) block.Should().Contain($"<option value=\"{choice}\"");
            else if (field.Type == ConfigFieldType.Boolean)
                Regex.Match(block, "<input[^>]*type=\"checkbox\"[^>]*>").Value.Contains(" checked", StringComparison.Ordinal)
                    .Should().Be(ConfigValue.Boolean(field.Default) == true, $"{field.Name}'s checkbox shows its default");   // the tag, not the description's words
            else if (field.Default is not null)
                block.Should().Contain($"value=\"{FieldText.ToText(field.Default)}\"");
        }
        html.Contains("data-testid=\"config-extras\"").Should().Be(family.AllowsExtraFields);
    }

    [Fact]
    public async Task Residual_streams_shows_bounds_and_the_apis_error_under_a_field_out_of_range()
    {
        var draft = ExperimentDraft.For(Catalogue.Get(ResidualStreamsFamily.FamilyName));
        draft.Fields["depth"] = "0";
        var errors = ApiErrors(draft);
        errors.Should().ContainSingle().Which.Field.Should().Be("config.depth");

        var html = await Render(draft, errors);

        var depth = FieldBlock(html, "depth");
        depth.Should().Contain("class=\"field invalid\"").And.Contain("1–256.").And.Contain("value=\"0\"");
        depth.Should().Contain("<div class=\"validation-message\" data-testid=\"field-error\">must be at least 1, got 0.</div>");
        FieldBlock(html, "width").Should().NotContain("field-error");
        FieldBlock(html, "variant").Should().MatchRegex("<option value=\"mhc\"[^>]*selected");
    }

    [Fact]
    public async Task Command_shows_the_apis_words_for_a_non_integer_and_a_missing_command()
    {
        var draft = ExperimentDraft.For(Catalogue.Get(CommandFamily.FamilyName));
        draft.Fields["total_steps"] = "many";
        draft.Extras.Add(new ExperimentDraft.Parameter { Name = "lr", Value = "0.1" });
        var errors = ApiErrors(draft);
        errors.Select(e => e.Field).Should().BeEquivalentTo("config.command", "config.total_steps");

        var html = await Render(draft, errors);

        FieldBlock(html, "total_steps").Should().Contain("must be an integer, got \"many\".");
        FieldBlock(html, "command").Should().Contain("is required.").And.Contain("<span class=\"required\" title=\"required\">*</span>");
        html.Should().Contain("value=\"lr\"").And.Contain("value=\"0.1\"");
    }

    [Fact]
    public async Task Another_variants_fields_are_marked_unless_the_variant_is_swept()
    {
        var draft = ExperimentDraft.For(Catalogue.Get("harmonic"));   // variant field
        var html = await Render(draft, []);
        FieldBlock(html, "layers").Should().Contain("unused").And.Contain("Not read by variant field.");
        FieldBlock(html, "trials").Should().NotContain("field-unused");
        FieldBlock(html, "seed").Should().NotContain("field-unused");

        draft.Fields["variant"] = "gpt";
        html = await Render(draft, []);
        FieldBlock(html, "trials").Should().Contain("Not read by variant gpt.");
        FieldBlock(html, "layers").Should().NotContain("field-unused");

        draft.Axes.Add(new ExperimentDraft.Axis { Path = "variant", Values = "field, gpt" });
        html = await Render(draft, []);
        html.Should().NotContain("field-unused", "a sweep over the variant reads every field in some run");
    }

    [Fact]
    public async Task Another_architectures_fields_are_marked_too()
    {
        var draft = ExperimentDraft.For(Catalogue.Get("residual-streams"));   // variant mhc, architecture seed
        var html = await Render(draft, []);
        FieldBlock(html, "heads").Should().NotContain("field-unused");
        FieldBlock(html, "hc_init_noise").Should().Contain("Not read by variant mhc.");

        draft.Fields["architecture"] = "mlp";
        draft.Fields["variant"] = "hc";
        html = await Render(draft, []);
        FieldBlock(html, "heads").Should().Contain("Not read by architecture mlp.");
        FieldBlock(html, "hc_init_noise").Should().NotContain("field-unused");

        draft.Axes.Add(new ExperimentDraft.Axis { Path = "architecture", Values = "seed, mlp" });
        html = await Render(draft, []);
        FieldBlock(html, "heads").Should().NotContain("field-unused", "a sweep over the architecture reads it in some run");
    }
}
