using System.Net;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// Every task that can cut a device off its ACS, point it elsewhere or take its configuration away needs the
/// management permission, not only a write of ManagementServer.URL (issue 24 medium 7).
/// </summary>
public sealed class ManagementTaskApiTests : IAsyncLifetime
{
    private static readonly string Device = Uri.EscapeDataString(new DeviceId("00D09E", "HGW", "MGMT001").ToString());
    private TestServer _server = null!;
    private ApiClient _api = null!;
    private string _operator = null!;
    private string _admin = null!;

    public static TheoryData<string, string> ManagementTasks => new()
    {
        { """{"name":"download","fileType":"3 Vendor Configuration File","url":"https://files.example.net/cfg.xml"}""", "configuration file" },
        { """{"name":"download","fileType":"1 Firmware Upgrade Image","url":"https://files.example.net/fw.bin"}""", "firmware" },
        { """{"name":"download","fileType":"X 00D09E Bootloader","url":"https://files.example.net/x.bin"}""", "whose effect on the device" },
        { """{"name":"setParameterValues","parameterValues":[["Device.ManagementServer.EnableCWMP","false","xsd:boolean"]]}""", "EnableCWMP" },
        { """{"name":"setParameterValues","parameterValues":[["Device.ManagementServer.ConnectionRequestPassword","guessable","xsd:string"]]}""", "connection-request" },
        { """{"name":"setParameterValues","parameterValues":[["InternetGatewayDevice.ManagementServer.STUNServerAddress","stun.example.net","xsd:string"]]}""", "STUN" },
        { """{"name":"setParameterValues","parameterValues":[["Device.XMPP.Connection.1.Password","x","xsd:string"]]}""", "XMPP" },
        { """{"name":"deleteObject","objectName":"Device.XMPP.Connection.1."}""", "XMPP" },
        { """{"name":"upload","fileType":"1 Vendor Configuration File","url":"https://collector.example.net/cfg"}""", "a host that is not" },
        { """{"name":"upload","fileType":"1 Vendor Configuration File","url":"http://localhost/cfg"}""", "a host that is not" },
    };

    public static TheoryData<string> OperatorTasks => new()
    {
        """{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.SSID","home","xsd:string"]]}""",
        """{"name":"setParameterValues","parameterValues":[["Device.ManagementServer.PeriodicInformInterval","600","xsd:unsignedInt"]]}""",
        """{"name":"download","fileType":"2 Web Content","url":"https://files.example.net/page.html"}""",
        """{"name":"upload","fileType":"2 Vendor Log File","url":"https://localhost/logs"}""",
        """{"name":"reboot"}""",
    };

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _api = new ApiClient(_server);
        _operator = await _api.KeyAsync(Roles.Operator);
        _admin = await _api.KeyAsync(Roles.Admin);
        var now = DateTimeOffset.UtcNow;
        await _server.Host.Store.CommitSessionAsync(new SessionChanges(new Device { Id = new DeviceId("00D09E", "HGW", "MGMT001"), RegisteredAt = now, LastInformAt = now }), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(ManagementTasks))]
    public async Task A_task_that_touches_the_devices_management_is_refused_to_an_operator_and_allowed_to_an_admin(string task, string reason)
    {
        var refused = await _api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Device}/tasks", _operator, task);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("write-management-server", refused.Text, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Text, StringComparison.Ordinal);

        var allowed = await _api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Device}/tasks", _admin, task);
        Assert.True(allowed.Status == HttpStatusCode.Accepted, allowed.Status + " " + allowed.Text);
    }

    [Theory]
    [MemberData(nameof(OperatorTasks))]
    public async Task Tasks_that_leave_the_management_alone_stay_an_operators(string task)
    {
        var created = await _api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Device}/tasks", _operator, task);
        Assert.True(created.Status == HttpStatusCode.Accepted, created.Text);
    }

    [Fact]
    public async Task An_operator_cannot_send_an_admins_management_task_again_by_retrying_it()
    {
        var created = await _api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Device}/tasks", _admin, """{"name":"download","fileType":"1 Firmware Upgrade Image","url":"https://files.example.net/fw.bin"}""");
        var id = created.Body["id"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.NoContent, (await _api.SendAsync(HttpMethod.Delete, $"api/v1/tasks/{id}", _admin)).Status);

        var retried = await _api.SendAsync(HttpMethod.Post, $"api/v1/tasks/{id}/retry", _operator);
        Assert.Equal(HttpStatusCode.Forbidden, retried.Status);
        Assert.Contains("firmware", retried.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, $"api/v1/tasks/{id}/retry", _admin)).Status);
    }

    [Fact]
    public async Task A_configuration_file_is_downloaded_over_https_only_even_by_an_admin()
    {
        var refused = await _api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Device}/tasks", _admin, """{"name":"download","fileType":"3 Vendor Configuration File","url":"http://files.example.net/cfg.xml"}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("https", refused.Text, StringComparison.Ordinal);
    }
}
