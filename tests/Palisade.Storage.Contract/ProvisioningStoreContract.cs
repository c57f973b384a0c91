using Palisade.Acs.Provisioning;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Contract;

/// <summary>What every store does for provisioning (IProvisioningStore): presets, scripts by kind, the revision, channel faults.</summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class ProvisioningStoreContract<TFactory> : StoreContract<TFactory>
    where TFactory : IStoreFactory, new()
{
    private const string Wifi = """{"weight":10,"channel":"wifi","events":{"1 BOOT":true},"configurations":[{"type":"provision","name":"wifi","args":["ssid"]}]}""";

    [Fact]
    public async Task A_preset_is_created_replaced_listed_by_name_and_deleted_and_each_write_raises_the_revision()
    {
        var start = await Store.GetRevisionAsync(default);
        Assert.True(await Store.PutPresetAsync(new StoredPreset("wifi", Wifi, T0, "user:admin"), default));
        Assert.True(await Store.PutPresetAsync(new StoredPreset("bootstrap", "{}", T0, "user:admin"), default));
        var afterCreate = await Store.GetRevisionAsync(default);
        Assert.True(afterCreate > start);

        Assert.False(await Store.PutPresetAsync(new StoredPreset("wifi", "{\"weight\":1}", Now, "key:ops"), default));
        Assert.True(await Store.GetRevisionAsync(default) > afterCreate);
        Assert.Equal(new StoredPreset("wifi", "{\"weight\":1}", Now, "key:ops"), await Store.GetPresetAsync("wifi", default));
        Assert.Equal(["bootstrap", "wifi"], (await Store.ListPresetsAsync(default)).Select(p => p.Name));

        var beforeDelete = await Store.GetRevisionAsync(default);
        Assert.True(await Store.DeletePresetAsync("wifi", default));
        Assert.False(await Store.DeletePresetAsync("wifi", default));
        Assert.Null(await Store.GetPresetAsync("wifi", default));
        Assert.True(await Store.GetRevisionAsync(default) > beforeDelete);
    }

    [Fact]
    public async Task Provisions_and_virtual_parameters_have_names_of_their_own_and_survive_a_reopen()
    {
        var provision = new StoredScript(ScriptKind.Provision, "inform", "declare('Device.ManagementServer.PeriodicInformInterval', {value: 1}, {value: 300});", "aa", T0, "user:admin");
        var vparam = new StoredScript(ScriptKind.VirtualParameter, "inform", "return {writable: false, value: ['x', 'xsd:string']};", "bb", T0, "import");
        Assert.True(await Store.PutScriptAsync(provision, default));
        Assert.True(await Store.PutScriptAsync(vparam, default));
        var revision = await Store.GetRevisionAsync(default);

        Store = await ReopenAsync(Store);
        Assert.Equal(revision, await Store.GetRevisionAsync(default));
        Assert.Equal(provision, await Store.GetScriptAsync(ScriptKind.Provision, "inform", default));
        Assert.Equal(vparam, await Store.GetScriptAsync(ScriptKind.VirtualParameter, "inform", default));
        Assert.Null(await Store.GetScriptAsync(ScriptKind.Provision, "INFORM", default));

        var replaced = provision with { Body = "log('x');", Sha256 = "cc", UpdatedAt = Now };
        Assert.False(await Store.PutScriptAsync(replaced, default));
        Assert.Equal([replaced], await Store.ListScriptsAsync(ScriptKind.Provision, default));
        Assert.True(await Store.DeleteScriptAsync(ScriptKind.VirtualParameter, "inform", default));
        Assert.Empty(await Store.ListScriptsAsync(ScriptKind.VirtualParameter, default));
        Assert.NotNull(await Store.GetScriptAsync(ScriptKind.Provision, "inform", default));
    }

    [Fact]
    public async Task A_channel_fault_is_kept_per_device_and_channel_replaced_cleared_and_listed_newest_first()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(2)), default);
        await Store.SetTagAsync(Id(2), "beta", present: true, default);
        var first = Fault(1, "default", T0, retries: 0);
        await Store.PutChannelFaultAsync(first, default);
        await Store.PutChannelFaultAsync(Fault(1, "wifi", T0.AddMinutes(1), retries: 0), default);
        await Store.PutChannelFaultAsync(Fault(2, "default", T0.AddMinutes(2), retries: 0), default);

        var again = Fault(1, "default", T0.AddMinutes(3), retries: 1) with { Code = "script.memory", Detail = null };
        await Store.PutChannelFaultAsync(again, default);

        var ofOne = await Store.ListChannelFaultsAsync(Id(1), null, 10, default);
        Assert.Equal(["default", "wifi"], ofOne.Select(f => f.Channel));
        Assert.Equal(again, ofOne[0]);
        Assert.Equal(3, (await Store.ListChannelFaultsAsync(null, null, 10, default)).Count);
        Assert.Equal(2, (await Store.ListChannelFaultsAsync(null, null, 2, default)).Count);

        var beta = FilterParser.Parse("tag = \"beta\"", Now)!;
        Assert.Equal([Id(2)], (await Store.ListChannelFaultsAsync(null, beta, 10, default)).Select(f => f.Device));

        Assert.True(await Store.ClearChannelFaultAsync(Id(1), "wifi", default));
        Assert.False(await Store.ClearChannelFaultAsync(Id(1), "wifi", default));
        Assert.Equal(["default"], (await Store.ListChannelFaultsAsync(Id(1), null, 10, default)).Select(f => f.Channel));
    }

    [Fact]
    public async Task A_device_not_stored_yet_can_fault_and_a_deleted_device_takes_its_faults_with_it()
    {
        await Store.PutChannelFaultAsync(Fault(7, "default", T0, retries: 0), default);
        Assert.Single(await Store.ListChannelFaultsAsync(Id(7), null, 10, default));

        await Store.CommitSessionAsync(new SessionChanges(NewDevice(7)), default);
        Assert.True(await Store.DeleteDeviceAsync(Id(7), default));
        Assert.Empty(await Store.ListChannelFaultsAsync(Id(7), null, 10, default));
    }

    [Fact]
    public async Task Expired_channel_faults_are_deleted_in_bounded_batches()
    {
        await Store.PutChannelFaultAsync(Fault(1, "a", T0, retries: 0) with { ExpiresAt = T0.AddHours(1) }, default);
        await Store.PutChannelFaultAsync(Fault(1, "b", T0, retries: 0) with { ExpiresAt = T0.AddHours(2) }, default);
        await Store.PutChannelFaultAsync(Fault(1, "c", T0, retries: 0) with { ExpiresAt = T0.AddDays(9) }, default);

        Assert.Equal(1, await Store.DeleteExpiredChannelFaultsAsync(T0.AddHours(3), 1, default));
        Assert.Equal(1, await Store.DeleteExpiredChannelFaultsAsync(T0.AddHours(3), 10, default));
        Assert.Equal(0, await Store.DeleteExpiredChannelFaultsAsync(T0.AddHours(3), 10, default));
        Assert.Equal(["c"], (await Store.ListChannelFaultsAsync(Id(1), null, 10, default)).Select(f => f.Channel));
    }

    private static ChannelFault Fault(int device, string channel, DateTimeOffset at, int retries) =>
        new(Id(device), channel, "script.timeout", "The script ran out of time.", "at line 3", ["default", "inform"], retries, at, at.AddMinutes(5), at.AddDays(7));
}
