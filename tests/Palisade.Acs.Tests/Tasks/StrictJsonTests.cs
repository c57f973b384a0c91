using System.Text.Json;
using Palisade.Acs.Services;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Tests.Tasks;

/// <summary>JSON from outside with an escaped half of a surrogate pair is bad JSON at the door, not an exception at first read.</summary>
public sealed class StrictJsonTests
{
    [Theory]
    [InlineData("""{"name":"\ud800"}""")]
    [InlineData("""{"\udc00":1}""")]
    [InlineData("""["ok","\ud83d x"]""")]
    public void An_unpaired_surrogate_escape_is_refused_as_bad_json(string text)
    {
        Assert.Throws<JsonException>(() => StrictJson.Parse(text, default));
        Assert.Throws<JsonException>(() => StrictJson.ParseDocument(text, default).Dispose());
    }

    [Fact]
    public void A_paired_surrogate_escape_and_plain_text_read_as_they_are()
    {
        var node = StrictJson.Parse("""{"name":"\ud83d\ude00 ok","n":1}""", default)!;
        Assert.Equal("\U0001F600 ok", node["name"]!.GetValue<string>());
    }

    [Fact]
    public void A_task_whose_parameter_value_escapes_half_a_surrogate_is_a_validation_error() =>
        Assert.Throws<TaskValidationException>(() => TaskJson.Parse("""{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.SSID","\ud800","xsd:string"]]}"""));
}
