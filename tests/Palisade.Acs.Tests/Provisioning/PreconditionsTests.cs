using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Query;

namespace Palisade.Acs.Tests.Provisioning;

public sealed class PreconditionsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);

    [Theory]
    [InlineData("Device.DeviceInfo.ModelName = \"X\"", "Device.DeviceInfo.ModelName = \"X\"")]
    [InlineData("Tags.beta IS NOT NULL", "tag = \"beta\"")]
    [InlineData("Tags.beta IS NULL AND Tags.x = true", "tag <> \"beta\" AND tag = \"x\"")]
    [InlineData("DeviceID.ProductClass = \"HGW\" OR DeviceID.OUI <> \"00D09E\"", "productClass = \"HGW\" OR oui <> \"00D09E\"")]
    [InlineData("Events.Inform > now-1h", "lastInform > now-1h")]
    [InlineData("Device.X = \"Tags.y IS NULL\"", "Device.X = \"Tags.y IS NULL\"")]
    [InlineData("{\"_tags\":\"test\"}", "tag = \"test\"")]
    [InlineData("{\"param\":\"value\",\"param2\":{\"$ne\":\"value2\"}}", "param = \"value\" AND NOT param2 = \"value2\"")]
    [InlineData("{\"_deviceId._ProductClass\":\"HGW\",\"Device.A._value\":{\"$gte\":3,\"$lt\":5}}", "productClass = \"HGW\" AND Device.A >= 3 AND Device.A < 5")]
    [InlineData("{\"$or\":[{\"_tags\":\"a\"},{\"_tags\":{\"$in\":[\"b\",\"c\"]}}]}", "((tag = \"a\") OR ((tag = \"b\" OR tag = \"c\")))")]
    [InlineData("{\"Device.X\":{\"$exists\":false}}", "Device.X IS NULL")]
    public void GenieACS_forms_are_rewritten_into_the_filter_language(string genie, string palisade) =>
        Assert.Equal(palisade, Preconditions.Translate(genie));

    [Theory]
    [InlineData("Events.Inform > now-1h", true)]
    [InlineData("Tags.nowhere IS NOT NULL", false)]
    [InlineData("DeviceID.SerialNumber = \"SNOWY\"", false)]
    public void Only_a_precondition_that_says_now_is_parsed_again_for_each_session(string precondition, bool relative)
    {
        var preset = new Preset("p", 0, "default", new Dictionary<string, bool>(), precondition, string.Empty, []);
        Assert.Equal(relative, new CompiledPreset(preset, Now).Relative);
    }

    [Theory]
    [InlineData("VirtualParameters.WANIP = \"1\"", "virtual parameters")]
    [InlineData("UPPER(Device.X) = \"A\"", "function")]
    [InlineData("{\"_id\":{\"$regex\":\"^00\"}}", "$regex")]
    [InlineData("{\"_tags\":", "not valid JSON")]
    [InlineData("Tags.x LIKE \"a%\"", "IS NULL")]
    [InlineData("event = \"1 BOOT\" SINCE now-7d", "event window")]
    public void What_has_no_counterpart_is_refused_with_the_reason(string text, string reason)
    {
        var e = Assert.Throws<FilterException>(() => Preconditions.Parse(text, Now));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Device.DeviceInfo.SoftwareVersion = \"2.1\"", true)]
    [InlineData("Device.DeviceInfo.SoftwareVersion <> \"2.1\"", false)]
    [InlineData("Device.ManagementServer.PeriodicInformInterval > 300", true)]
    [InlineData("Device.ManagementServer.PeriodicInformInterval > 30000", false)]
    [InlineData("Device.WiFi.SSID.1.SSID LIKE \"GUEST%\"", true)]
    [InlineData("Device.WiFi.SSID.1.SSID NOT LIKE \"home%\"", true)]
    [InlineData("Device.Missing IS NULL AND Device.Empty IS NULL", true)]
    [InlineData("Device.Missing = \"x\"", false)]
    [InlineData("NOT Device.Missing = \"x\"", true)]
    [InlineData("tag = \"beta\" AND tag <> \"alpha\" AND tag LIKE \"be%\"", true)]
    [InlineData("event = \"1 BOOT\" AND event <> \"0 BOOTSTRAP\"", true)]
    [InlineData("productClass = \"HGW\" AND serialNumber LIKE \"PLS%\" AND id = \"00D09E-HGW-PLS1\"", true)]
    [InlineData("softwareVersion = \"2.1\" AND enrolled = true AND bootstrapExpected = false", true)]
    [InlineData("lastInform > now-1h AND registered < now-1d", true)]
    [InlineData("lastBoot IS NULL", true)]
    [InlineData("Tags.beta IS NOT NULL AND DeviceID.Manufacturer = \"Palisade Labs\"", true)]
    [InlineData("{\"_tags\":{\"$nin\":[\"beta\"]}}", false)]
    public void A_precondition_is_evaluated_in_memory_as_the_store_would(string text, bool expected)
    {
        var values = new Dictionary<string, string>
        {
            ["Device.DeviceInfo.SoftwareVersion"] = "2.1",
            ["Device.ManagementServer.PeriodicInformInterval"] = "3600",
            ["Device.WiFi.SSID.1.SSID"] = "guest-net",
            ["Device.Empty"] = string.Empty,
        };
        var device = new Device
        {
            Id = new DeviceId("00D09E", "HGW", "PLS1"),
            Manufacturer = "Palisade Labs",
            RegisteredAt = Now.AddDays(-3),
            LastInformAt = Now.AddMinutes(-5),
            SoftwareVersion = "2.1",
            Credentials = new DeviceCredentials("u", null, null, true, null),
        };
        var context = new PresetContext(device, ["1 BOOT", "2 PERIODIC"], new HashSet<string> { "beta" }, p => values.GetValueOrDefault(p), Now);
        Assert.Equal(expected, PreconditionEvaluator.Matches(Preconditions.Parse(text, Now)!, context));
    }

    [Theory]
    [InlineData("abc", "a%", true)]
    [InlineData("abc", "%C", true)]
    [InlineData("abc", "a_c", true)]
    [InlineData("abc", "a_", false)]
    [InlineData("a%c", "a\\%c", true)]
    [InlineData("abc", "a\\%c", false)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "%a%a%a%a%a%a%a%a%c", false)]
    public void Like_follows_SQL(string text, string pattern, bool expected) =>
        Assert.Equal(expected, PreconditionEvaluator.Like(text, pattern));
}
