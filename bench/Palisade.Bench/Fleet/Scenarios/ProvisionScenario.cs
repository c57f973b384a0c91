using Palisade.Acs.Provisioning;
using Palisade.Storage.Sqlite;

namespace Palisade.Bench.Fleet.Scenarios;

/// <summary>
/// Sessions under provisioning policy: GenieACS's stock <c>default</c> provision on every inform (unchanged: on the
/// TR-181 fleet its TR-098 paths match nothing and cost no RPC), a bootstrap preset that clears the cached tree and
/// refreshes the device info and SSIDs, and a three-parameter Wi-Fi preset (SSID, enable, SSID advertisement) checked
/// daily. Stored before the fleet registers, so registration is the bootstrap refresh and the periodic phases show
/// what provisioning costs a session whose declared data is fresh (no RPC).
/// </summary>
internal sealed class ProvisionScenario : IFleetScenario
{
    private const string Bootstrap = """
        const now = Date.now();
        clear("Device", now);
        clear("InternetGatewayDevice", now);
        declare("Device.DeviceInfo.*", {path: now, value: now});
        declare("Device.WiFi.SSID.*.SSID", {path: now, value: now});
        """;

    // GenieACS's stock default provision, the same text the script-cost measure runs.
    private const string Default = ScriptCost.Default;

    private const string Wifi = """
        const daily = Date.now(86400000);
        declare("Device.WiFi.SSID.1.SSID", {value: daily}, {value: args[0]});
        declare("Device.WiFi.SSID.1.Enable", {value: daily}, {value: true});
        declare("Device.WiFi.AccessPoint.1.SSIDAdvertisementEnabled", {value: daily}, {value: true});
        """;

    public string Name => "provision";

    public string Help => "the stock default provision, a bootstrap refresh and a three-parameter Wi-Fi preset";

    public Registration? Registration(BenchRun run)
    {
        Store(run.Queue.Store(), run.CancellationToken).GetAwaiter().GetResult();
        return null;
    }

    private static async Task Store(SqliteStore store, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (name, body) in new[] { ("bootstrap", Bootstrap), ("default", Default), ("wifi", Wifi) })
        {
            await store.PutScriptAsync(new StoredScript(ScriptKind.Provision, name, body, ScriptHash.Of(body), now, "bench"), cancellationToken).ConfigureAwait(false);
        }

        await store.PutPresetAsync(new StoredPreset("bootstrap", """{"weight":0,"channel":"bootstrap","events":{"0 BOOTSTRAP":true},"configurations":[{"type":"provision","name":"bootstrap"}]}""", now, "bench"), cancellationToken).ConfigureAwait(false);
        await store.PutPresetAsync(new StoredPreset("default", """{"weight":0,"channel":"default","configurations":[{"type":"provision","name":"default"}]}""", now, "bench"), cancellationToken).ConfigureAwait(false);
        await store.PutPresetAsync(new StoredPreset("wifi", """{"weight":10,"channel":"wifi","configurations":[{"type":"provision","name":"wifi","args":["palisade-bench"]}]}""", now, "bench"), cancellationToken).ConfigureAwait(false);
    }
}
