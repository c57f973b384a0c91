using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;
using Palisade.Acs.Provisioning;
using Palisade.Testing;

namespace Palisade.Tests;

/// <summary><c>palisade import genieacs</c> against a fake NBI, and <c>palisade presets|provisions|vparams</c>.</summary>
public sealed class ProvisioningCliTests
{
    private static readonly JsonArray Provisions =
    [
        new JsonObject { ["_id"] = "default", ["script"] = "const hourly = Date.now(3600000);\ndeclare(\"Device.DeviceInfo.*\", {value: hourly});\n" },
        new JsonObject { ["_id"] = "bad name!", ["script"] = "log('x');" },
        new JsonObject { ["_id"] = "broken", ["script"] = "declare(\"Device.X\", {value: 1}" },
    ];

    private static readonly JsonArray VirtualParameters =
    [
        new JsonObject { ["_id"] = "WANIP", ["script"] = "let ip = declare(\"Device.IP.Interface.1.IPv4Address.1.IPAddress\", {value: Date.now()});\nreturn {writable: false, value: [ip.value[0], \"xsd:string\"]};" },
    ];

    private static readonly JsonArray Presets =
    [
        new JsonObject
        {
            ["_id"] = "default", ["weight"] = 0, ["channel"] = "default", ["events"] = new JsonObject { ["2 PERIODIC"] = true },
            ["precondition"] = "", ["configurations"] = new JsonArray(new JsonObject { ["type"] = "provision", ["name"] = "default", ["args"] = null }),
        },
        new JsonObject
        {
            ["_id"] = "inform", ["weight"] = 0, ["precondition"] = "{\"_tags\":\"test\"}",
            ["configurations"] = new JsonArray(new JsonObject { ["type"] = "value", ["name"] = "InternetGatewayDevice.ManagementServer.PeriodicInformInterval", ["value"] = "300" }, new JsonObject { ["type"] = "provision", ["name"] = "inform" }),
        },
        new JsonObject { ["_id"] = "regex", ["precondition"] = "{\"_id\":{\"$regex\":\"^00D09E\"}}", ["configurations"] = new JsonArray() },
    ];

    [Fact]
    public async Task Import_reads_a_GenieACS_NBI_writes_what_translates_and_lists_what_does_not_and_why()
    {
        await using var nbi = await TestWebServer.StartAsync(null, context =>
        {
            var answer = context.Request.Path.Value switch
            {
                "/provisions" => Provisions,
                "/virtual_parameters" => VirtualParameters,
                "/presets" => Presets,
                _ => null,
            };
            context.Response.StatusCode = answer is null ? 404 : 200;
            return answer is null ? Task.CompletedTask : context.Response.WriteAsync(answer.ToJsonString());
        });
        await using var server = await TestServer.StartAsync();
        var key = await KeyAsync(server, Roles.Provisioner);

        var (code, output) = await RunAsync(server, key, "import", "genieacs", "--nbi", nbi.Url.ToString());
        Assert.True(code == 3, output);
        Assert.Contains("imported provision default", output, StringComparison.Ordinal);
        Assert.Contains("imported virtual parameter WANIP", output, StringComparison.Ordinal);
        Assert.Contains("imported preset default", output, StringComparison.Ordinal);
        Assert.Contains("not translated provision bad name!: the name is not", output, StringComparison.Ordinal);
        Assert.Contains("not translated provision broken: the script does not parse", output, StringComparison.Ordinal);
        Assert.Contains("not translated preset regex: precondition:", output, StringComparison.Ordinal);
        Assert.Contains("$regex", output, StringComparison.Ordinal);
        Assert.Contains("warning: preset 'inform' runs provision 'inform', which is not imported", output, StringComparison.Ordinal);
        Assert.Contains("4 imported, 3 not imported", output, StringComparison.Ordinal);

        var store = server.Host.Store;
        Assert.Equal(["default", "inform"], (await store.ListPresetsAsync(CancellationToken.None)).Select(p => p.Name));
        Assert.Equal(["default"], (await store.ListScriptsAsync(ScriptKind.Provision, CancellationToken.None)).Select(s => s.Name));
        Assert.Equal(Provisions[0]!["script"]!.GetValue<string>(), (await store.GetScriptAsync(ScriptKind.Provision, "default", CancellationToken.None))!.Body);
        Assert.Equal(["WANIP"], (await store.ListScriptsAsync(ScriptKind.VirtualParameter, CancellationToken.None)).Select(s => s.Name));
        Assert.Contains(await store.ListAuditAsync(null, 20, CancellationToken.None), e => e.Action == "provision.put" && e.Actor.StartsWith("key:", StringComparison.Ordinal));

        // The CLI reads them back; a dry run writes nothing.
        var list = await RunAsync(server, key, "presets", "list");
        Assert.True(list.ExitCode == 0, list.Output);
        Assert.Contains("inform", list.Output, StringComparison.Ordinal);
        var show = await RunAsync(server, key, "provisions", "show", "default");
        Assert.Contains("Date.now(3600000)", show.Output, StringComparison.Ordinal);
        var dry = await RunAsync(server, key, "import", "genieacs", "--nbi", nbi.Url.ToString(), "--dry-run");
        Assert.Contains("would import preset default", dry.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_writes_shows_and_deletes_scripts_and_presets_and_a_key_without_the_permission_is_refused()
    {
        await using var server = await TestServer.StartAsync();
        var provisioner = await KeyAsync(server, Roles.Provisioner);
        var operatorKey = await KeyAsync(server, Roles.Operator);
        var file = Path.Combine(server.DataDirectory, "inform.js");
        await File.WriteAllTextAsync(file, "declare('Device.ManagementServer.PeriodicInformInterval', {value: 1}, {value: 300});");
        var preset = Path.Combine(server.DataDirectory, "inform.json");
        await File.WriteAllTextAsync(preset, """{"weight":1,"events":{"1 BOOT":true},"configurations":[{"type":"provision","name":"inform"}]}""");

        var refused = await RunAsync(server, operatorKey, "provisions", "put", "inform", file);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("403", refused.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync(server, provisioner, "provisions", "put", "inform", file)).ExitCode);
        Assert.Equal(0, (await RunAsync(server, provisioner, "presets", "put", "inform", preset)).ExitCode);
        var shown = await RunAsync(server, operatorKey, "presets", "show", "inform");
        Assert.Contains("\"1 BOOT\": true", shown.Output, StringComparison.Ordinal);
        var listed = await RunAsync(server, operatorKey, "provisions", "list");
        Assert.Contains(ScriptHash.Of(await File.ReadAllTextAsync(file))[..12], listed.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync(server, provisioner, "presets", "delete", "inform")).ExitCode);
        Assert.Equal(0, (await RunAsync(server, provisioner, "provisions", "delete", "inform")).ExitCode);
        Assert.Equal(1, (await RunAsync(server, provisioner, "vparams", "delete", "nothing")).ExitCode);
        Assert.Empty(await server.Host.Store.ListPresetsAsync(CancellationToken.None));
    }

    private static async Task<string> KeyAsync(TestServer server, string role)
    {
        var (token, record) = ApiKeys.Create("cli-" + role, role, null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        return token;
    }

    private static Task<(int ExitCode, string Output)> RunAsync(TestServer server, string key, params string[] args) =>
        CliProcess.RunAsync(TimeSpan.FromSeconds(90), [.. args, "--url", server.Host.Facts.ApiUrl!, "--key", key, "--ca", Path.Combine(server.DataDirectory, "pki", "ca.crt")]);
}
