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

    [Fact]
    public void Random_input_only_ever_parses_or_raises_a_filter_exception()
    {
        var alphabet = "Device.X tag event = <> < > ( ) \" ' AND OR NOT LIKE IS NULL now-1h 12 % _ \\ ;".Split(' ');
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var text = string.Join(' ', Enumerable.Range(0, random.Next(1, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            try
            {
                FilterParser.Parse(text, Now);
            }
            catch (FilterException)
            {
            }
        }
    }
}
