using CsCheck;
using Palisade.Acs.Query;

namespace Palisade.Acs.Tests.Query;

public sealed class FilterParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_issue_example_parses_into_an_and_of_three_comparisons()
    {
        var filter = FilterParser.Parse("Device.DeviceInfo.SoftwareVersion = \"2.1\" AND tag = \"beta\" AND lastInform > now-1h", Now);
        var and = Assert.IsType<AndFilter>(filter);
        var inner = Assert.IsType<AndFilter>(and.Left);
        Assert.Equal(new Comparison(FieldKind.Parameter, "Device.DeviceInfo.SoftwareVersion", FilterOperator.Equal, new FilterValue("2.1", null, null)), inner.Left);
        Assert.Equal(new Comparison(FieldKind.Tag, "tag", FilterOperator.Equal, new FilterValue("beta", null, null)), inner.Right);
        Assert.Equal(new Comparison(FieldKind.Device, "lastInform", FilterOperator.Greater, new FilterValue(null, null, Now.AddHours(-1))), and.Right);
    }

    [Fact]
    public void Precedence_is_not_then_and_then_or_and_parentheses_override()
    {
        var filter = FilterParser.Parse("tag = 'a' OR tag = 'b' AND NOT tag = 'c'", Now);
        var or = Assert.IsType<OrFilter>(filter);
        Assert.IsType<AndFilter>(or.Right);
        Assert.IsType<NotFilter>(((AndFilter)or.Right).Right);
        Assert.IsType<AndFilter>(FilterParser.Parse("(tag = 'a' OR tag = 'b') AND tag = 'c'", Now));
    }

    [Theory]
    [InlineData("Device.X IS NULL", FilterOperator.IsNull)]
    [InlineData("Device.X is not null", FilterOperator.IsNotNull)]
    [InlineData("Device.X LIKE \"a%\"", FilterOperator.Like)]
    [InlineData("Device.X NOT LIKE \"a%\"", FilterOperator.NotLike)]
    [InlineData("Device.X != 3", FilterOperator.NotEqual)]
    [InlineData("Device.X <> 3", FilterOperator.NotEqual)]
    [InlineData("Device.X >= -2.5", FilterOperator.GreaterOrEqual)]
    public void Operators(string text, FilterOperator op) => Assert.Equal(op, Assert.IsType<Comparison>(FilterParser.Parse(text, Now)).Operator);

    [Theory]
    [InlineData("Device.X = ", "Expected a value")]
    [InlineData("Device.X \"a\"", "Expected an operator")]
    [InlineData("Device.X = \"a", "Unterminated string")]
    [InlineData("password = \"x\"", "Unknown field")]
    [InlineData("Device.X = \"a\" AND", "Expected a field")]
    [InlineData("(Device.X = 1", "Expected ')'")]
    [InlineData("Device.X = 1 garbage", "Unexpected")]
    [InlineData("tag > \"a\"", "supports")]
    [InlineData("lastInform > 5", "Compare times")]
    [InlineData("lastInform > now-5y", "duration ends")]
    [InlineData("Device.X = 1; DROP TABLE devices", "Unexpected")]
    [InlineData("Device. = 1", "not a parameter path")]
    public void Mistakes_are_refused_with_a_message_and_position(string text, string message)
    {
        var error = Assert.Throws<FilterException>(() => FilterParser.Parse(text, Now));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("at character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_and_deeply_nested_filters_are_refused()
    {
        Assert.Throws<FilterException>(() => FilterParser.Parse(new string('(', 5000), Now));
        Assert.Throws<FilterException>(() => FilterParser.Parse(new string('(', 100) + "tag = 'a'" + new string(')', 100), Now));
        Assert.Throws<FilterException>(() => FilterParser.Parse(string.Join(" OR ", Enumerable.Repeat("tag = 'a'", 100)), Now));
        Assert.Throws<FilterException>(() => FilterParser.Parse(string.Concat(Enumerable.Repeat("NOT ", 40)) + "tag = 'a'", Now));
    }

    [Fact]
    public void Blank_means_every_device() => Assert.Null(FilterParser.Parse("  ", Now));

    // Every input either parses into a filter or is refused with a FilterException that points inside the text;
    // no other exception escapes (each would be a 500 at the API). Both outcomes must occur, or the generator
    // tests nothing; and what parses must parse the same again (the parser keeps no state between calls).
    [Fact]
    public void Random_input_parses_or_is_refused_with_a_position_inside_the_text()
    {
        string[] fields = ["Device.X", "tag", "event", "lastInform", "registered", "softwareVersion", "password", "Device."];
        string[] operators = ["=", "<>", "<", ">=", "LIKE", "NOT LIKE", "IS NULL", "IS NOT NULL", "!"];
        string[] values = ["\"a\"", "'b%'", "12", "-3.5e308", "1e999", "now", "now-1h", "now-99999999d", "now+36525d", "now-2147483647m", "true", "\"2026-11-25\"", "\"unterminated"];
        string[] noise = ["(", ")", "AND", "OR", "NOT", ";", "\\", "%", "_", "'", "now-"];
        var terms = Gen.Select(Gen.Int[0, fields.Length - 1], Gen.Int[0, operators.Length - 1], Gen.Int[0, values.Length - 1], Gen.Bool)
            .Select((f, o, v, or) => $"{fields[f]} {operators[o]}{(operators[o].StartsWith("IS", StringComparison.Ordinal) ? "" : " " + values[v])}" + (or ? " OR" : " AND"));
        var mutations = Gen.Select(Gen.Int[0, 64], Gen.Int[0, noise.Length - 1]).Array[0, 2];
        var parsed = 0;
        var refused = 0;
        Gen.Select(terms.Array[1, 4], mutations).Sample((chosen, changes) =>
        {
            var words = string.Join(' ', chosen).Split(' ').ToList();
            words.RemoveAt(words.Count - 1);
            foreach (var (at, token) in changes)
            {
                words.Insert(at % (words.Count + 1), noise[token]);
            }

            var text = string.Join(' ', words);
            Filter? filter;
            try
            {
                filter = FilterParser.Parse(text, Now);
            }
            catch (FilterException e)
            {
                Assert.InRange(e.Position, 0, text.Length);
                Assert.Contains("at character", e.Message, StringComparison.Ordinal);
                refused++;
                return;
            }

            Assert.NotNull(filter);
            Assert.Equal(filter, FilterParser.Parse(text, Now));
            parsed++;
        }, iter: 5000, threads: 1);

        Assert.True(parsed > 200, $"only {parsed} of 5000 inputs parsed");
        Assert.True(refused > 200, $"only {refused} of 5000 inputs were refused");
    }

    [Theory]
    [InlineData("lastInform > now-99999999d")]
    [InlineData("lastInform > now+99999999d")]
    [InlineData("registered < now-999999999h")]
    public void A_duration_past_the_calendar_is_refused_as_a_filter_mistake(string text)
    {
        var error = Assert.Throws<FilterException>(() => FilterParser.Parse(text, Now));
        Assert.Contains("duration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_text_written_as_a_literal_reads_back_as_that_one_value()
    {
        // The console's bulk actions, posture links and GenieACS preconditions all write filters with Literal: a quote,
        // a backslash or an "OR" in a CPE's id or version must never end the value or add a term.
        Assert.Equal("\"a\\\"b\\\\\"", FilterParser.Literal("a\"b\\"));
        Gen.String[Gen.Char['\0', '\u024F'], 0, 200].Sample(text =>
        {
            var filter = FilterParser.Parse("Device.X = " + FilterParser.Literal(text) + " AND tag = \"t\"", Now);
            var first = Assert.IsType<Comparison>(Assert.IsType<AndFilter>(filter).Left);
            Assert.Equal(new FilterValue(text, null, null), first.Value);
        });
        var hostile = "x\" OR id = \"y\\";
        Assert.Equal(hostile, Assert.IsType<Comparison>(FilterParser.Parse("id = " + FilterParser.Literal(hostile), Now)).Value!.Text);
    }
}
