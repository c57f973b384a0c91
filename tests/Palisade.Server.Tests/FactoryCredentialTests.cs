using System.Net;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.FactoryCredentials;
using Palisade.Cpe.Simulation;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>CPEs that left the factory with their own credentials: imported, never rotated, Basic over TLS (issue 23, item 5).</summary>
public sealed class FactoryCredentialTests : IAsyncLifetime
{
    private const string Header = "id,username,password,connectionRequestUsername,connectionRequestPassword,rotate\n";
    private TestServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o.Authentication.AllowBasic = true);
        _api = new ApiClient(_server);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Imported_basic_devices_that_never_rotate_hold_periodic_sessions_on_their_factory_credential()
    {
        var admin = await _api.KeyAsync(Roles.Admin);
        var csv = Header
            + "00D09E-HGW-FAC001,fac001,Factory-Secret-1,cr1,CrSecret-1,false\n"
            + "00D09E-HGW-FAC002,\"fac,002\",\"Factory \"\"Secret\"\" 2\",,,false\n";
        var imported = await _api.SendAsync(HttpMethod.Post, "api/v1/devices/import", admin, csv, "text/csv");
        Assert.True(imported.Status == HttpStatusCode.OK, imported.Text);
        Assert.Equal(2, imported.Body["imported"]!.GetValue<int>());
        Assert.Equal(2, imported.Body["neverRotated"]!.GetValue<int>());

        // The simulator plays the same file: Basic, and they keep their password whatever the ACS sends.
        var path = Path.Combine(_server.DataDirectory, "factory.csv");
        await File.WriteAllTextAsync(path, csv);
        var parsed = FactoryCredentialFile.Parse(await File.ReadAllTextAsync(path), out var errors);
        Assert.Empty(errors);
        var options = new FleetOptions
        {
            AcsUrl = _server.Url,
            FactoryDevices = [.. parsed.Select(d => new FactoryCpe(d.Id.Oui, d.Id.ProductClass, d.Id.SerialNumber, d.Username, d.Password, d.ConnectionRequestUsername, d.ConnectionRequestPassword))],
            PreferBasic = true,
            KeepFactoryCredentials = true,
            Periodic = TimeSpan.FromSeconds(1),
            Ramp = TimeSpan.Zero,
        };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        await using (var fleet = new FleetSimulator(options))
        {
            // Run until the ACS has seen six sessions (three each, on the credentials they keep), however long that
            // takes on this machine, instead of for a fixed time that a loaded one might fill with fewer.
            await fleet.CreateAsync(CancellationToken.None);
            var before = _server.Host.Engine.Counters.SessionsCompleted.Value;
            using var stop = new CancellationTokenSource();
            var run = fleet.RunAsync(stop.Token);
            await Eventually.HoldsAsync(() => _server.Host.Engine.Counters.SessionsCompleted.Value >= before + 6 || run.IsCompleted, "six sessions of the factory devices", TimeSpan.FromSeconds(90));
            await stop.CancelAsync();
            var summary = await run;
            Assert.True(summary.Errors == 0, string.Join(", ", summary.ErrorsByKind.Select(e => $"{e.Key}={e.Value}")));
            Assert.True(summary.Sessions >= 6, $"only {summary.Sessions} sessions");
        }

        foreach (var serial in new[] { "FAC001", "FAC002" })
        {
            var device = await _server.Host.Store.GetDeviceAsync(new DeviceId("00D09E", "HGW", serial), CancellationToken.None);
            Assert.Equal(AuthMethods.Basic, device!.AuthMethod);
            Assert.True(device.Credentials.Enrolled);
            Assert.NotNull(device.LastInformAt);
        }

        var first = await _server.Host.Store.GetDeviceAsync(new DeviceId("00D09E", "HGW", "FAC001"), CancellationToken.None);
        Assert.Equal("cr1", first!.ConnectionRequest!.Username);
        Assert.Equal("CrSecret-1", first.ConnectionRequest.Password);

        // The ACS never tries to change it: a rotation is refused, one device or in bulk.
        var rotate = await _api.SendAsync(HttpMethod.Post, "api/v1/devices/00D09E-HGW-FAC001/tasks", admin, """{"name":"rotateCredentials"}""");
        Assert.Equal(HttpStatusCode.Conflict, rotate.Status);
        var bulk = await _api.SendAsync(HttpMethod.Post, "api/v1/tasks?filter=" + Uri.EscapeDataString("id IS NOT NULL"), admin, """{"name":"rotateCredentials"}""");
        Assert.True(bulk.Status == HttpStatusCode.Created, bulk.Text);
        Assert.Equal(0, bulk.Body["created"]!.GetValue<int>());

        // The posture lists them.
        var posture = await _api.SendAsync(HttpMethod.Get, "api/v1/posture", admin);
        var item = posture.Body["items"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == "credential-never-rotated")!;
        Assert.Equal(2, item["devices"]!.GetValue<long>());

        // Audited, with no secret in the entry.
        var audit = await _api.SendAsync(HttpMethod.Get, "api/v1/audit?limit=100", admin);
        Assert.Contains("device.import", audit.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Factory-Secret-1", audit.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Factory-Secret-1", _server.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("CrSecret-1", _server.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_file_names_its_lines_and_imports_nothing()
    {
        var admin = await _api.KeyAsync(Roles.Admin);
        var csv = Header
            + "00D09E-HGW-BAD001,u1,p1,,,false\n"
            + "00D09E-HGW-BAD002,u2,p2,,,maybe\n"
            + "00D09E-HGW-BAD001,u3,secret-p3,,,true\n"
            + "not-an-id,u4,p4,,,true\n";
        var refused = await _api.SendAsync(HttpMethod.Post, "api/v1/devices/import", admin, csv, "text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        var detail = refused.Body["detail"]!.GetValue<string>();
        Assert.Contains("line 3: rotate must be true or false", detail, StringComparison.Ordinal);
        Assert.Contains("line 4: device '00D09E-HGW-BAD001' is a duplicate of line 2", detail, StringComparison.Ordinal);
        Assert.Contains("line 5: 'not-an-id' is not a device id", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-p3", refused.Text, StringComparison.Ordinal);
        Assert.Equal(0, await _server.Host.Store.CountDevicesAsync(CancellationToken.None));

        // A device already registered: named by its line, and the good lines are not applied either.
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, "api/v1/devices/import", admin, Header + "00D09E-HGW-OLD001,u,p,,,true\n", "text/csv")).Status);
        var clash = await _api.SendAsync(HttpMethod.Post, "api/v1/devices/import", admin, Header + "00D09E-HGW-NEW001,u,p,,,false\n00D09E-HGW-OLD001,u,p,,,false\n", "text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, clash.Status);
        Assert.Contains("line 3: device '00D09E-HGW-OLD001' is already registered", clash.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await _server.Host.Store.GetDeviceAsync(new DeviceId("00D09E", "HGW", "NEW001"), CancellationToken.None));

        // rotate=true: a rotation is queued for its first session. An operator may not import at all.
        var tasks = await _server.Host.Store.ListTasksAsync(new DeviceId("00D09E", "HGW", "OLD001"), 10, CancellationToken.None);
        Assert.Equal("rotateCredentials", Assert.Single(tasks).Name);
        var operatorKey = await _api.KeyAsync(Roles.Operator);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Post, "api/v1/devices/import", operatorKey, Header + "00D09E-HGW-OP0001,u,p,,,false\n", "text/csv")).Status);
    }
}
