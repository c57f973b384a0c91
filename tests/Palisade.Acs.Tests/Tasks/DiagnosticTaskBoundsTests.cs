using Palisade.Acs.Diagnostics;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Tests.Tasks;

/// <summary>
/// A diagnostic's counts, sizes and timeouts are bounded by the data model's ranges (TR-181 2.17: NumberOfTries
/// unsignedInt[1:3], MaxHopCount [1:64], DataBlockSize, Port and InterTransmissionTime [1:65535]) and, where the model
/// has no upper bound (NumberOfRepetitions, Timeout: [1:]), by Palisade's own (1000 repetitions, an hour).
/// </summary>
public sealed class DiagnosticTaskBoundsTests
{
    [Theory]
    [InlineData("ipPing", "numberOfRepetitions", 1, 1000)]
    [InlineData("ipPing", "timeout", 1, 3_600_000)]
    [InlineData("ipPing", "dataBlockSize", 1, 65_535)]
    [InlineData("traceRoute", "numberOfTries", 1, 3)]
    [InlineData("traceRoute", "maxHopCount", 1, 64)]
    [InlineData("traceRoute", "timeout", 1, 3_600_000)]
    [InlineData("traceRoute", "dataBlockSize", 1, 65_535)]
    [InlineData("nsLookup", "numberOfRepetitions", 1, 1000)]
    [InlineData("nsLookup", "timeout", 1, 3_600_000)]
    [InlineData("udpEcho", "numberOfRepetitions", 1, 1000)]
    [InlineData("udpEcho", "timeout", 1, 3_600_000)]
    [InlineData("udpEcho", "dataBlockSize", 1, 65_535)]
    [InlineData("udpEcho", "port", 1, 65_535)]
    [InlineData("udpEcho", "interTransmissionTime", 1, 65_535)]
    public void Each_number_is_accepted_within_its_range_and_refused_outside_it_naming_the_range(string name, string input, long min, long max)
    {
        string Json(long value)
        {
            var target = name == "nsLookup" ? "\"hostName\":\"example.net\"" : "\"host\":\"192.0.2.1\"";
            var port = name == "udpEcho" && input != "port" ? ",\"port\":7" : string.Empty;
            return $$"""{"name":"{{name}}",{{target}}{{port}},"{{input}}":{{value}}}""";
        }

        foreach (var inside in new[] { min, max })
        {
            var task = Assert.IsType<DiagnosticTask>(TaskJson.Parse(Json(inside)));
            Assert.Equal(inside.ToString(System.Globalization.CultureInfo.InvariantCulture), task.Arguments[input]);
        }

        foreach (var outside in new[] { min - 1, max + 1, 4_294_967_295L, 4_294_967_296L })
        {
            var e = Assert.Throws<TaskValidationException>(() => TaskJson.Parse(Json(outside)));
            Assert.Equal($"{input} must be a whole number from {min} to {max}.", e.Message);
        }
    }

    [Fact]
    public void A_fraction_or_a_string_is_not_a_count()
    {
        Assert.Throws<TaskValidationException>(() => TaskJson.Parse("""{"name":"ipPing","host":"h","numberOfRepetitions":2.5}"""));
        Assert.Throws<TaskValidationException>(() => TaskJson.Parse("""{"name":"ipPing","host":"h","numberOfRepetitions":"3"}"""));
    }
}
