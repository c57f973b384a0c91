using Palisade.Acs.Tests.Sessions;

namespace Palisade.Acs.Tests.Storage;

/// <summary>
/// An operator's write to a device while a session of that device is open (readmit, delete, delete and block) is
/// still in force after the session commits: the commit writes only what the session itself changed.
/// </summary>
public sealed class OperatorWritesDuringSessionTests : IAsyncLifetime
{
    private EngineHarness _acs = null!;

    public Task InitializeAsync()
    {
        _acs = EngineHarness.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    [Fact]
    public async Task A_readmit_during_an_open_session_is_not_undone_when_the_session_commits()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-READMIT");
        _acs.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(200, (await cpe.InformAsync("2 PERIODIC")).Status);

        Assert.True(await _acs.Store.ResetCredentialsAsync(cpe.Id, CancellationToken.None));
        await cpe.FinishSessionAsync();

        var device = await _acs.DeviceAsync(cpe);
        Assert.False(device.Credentials.Enrolled);
        Assert.Null(device.Credentials.Ha1Sha256);
        Assert.Equal(EngineHarness.Start.AddMinutes(5), device.LastInformAt);

        // The readmit does what it says: the bootstrap credential admits the device once more, and enrolls it.
        _acs.Time.Advance(TimeSpan.FromMinutes(5));
        var reset = _acs.NewCpe("SN-READMIT");
        await reset.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");
        Assert.True((await _acs.DeviceAsync(reset)).Credentials.Enrolled);
    }

    [Fact]
    public async Task A_device_deleted_during_its_session_is_not_brought_back_by_the_commit()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-DELETED");
        _acs.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(200, (await cpe.InformAsync("2 PERIODIC")).Status);

        Assert.True(await _acs.Store.DeleteDeviceAsync(cpe.Id, CancellationToken.None));
        await cpe.FinishSessionAsync();

        Assert.Null(await _acs.Store.GetDeviceAsync(cpe.Id, CancellationToken.None));
        Assert.Empty(await _acs.Store.GetParametersAsync(cpe.Id, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_blocked_device_is_refused_on_the_bootstrap_credential_until_it_is_unblocked()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-BLOCKED");
        Assert.True(await _acs.Store.BlockDeviceAsync(cpe.Id, _acs.Time.GetUtcNow(), CancellationToken.None));

        var again = _acs.NewCpe("SN-BLOCKED");
        var refused = await again.InformAsync("0 BOOTSTRAP", "1 BOOT");
        Assert.Equal(403, refused.Status);
        Assert.Contains("blocked", refused.Text, StringComparison.Ordinal);
        Assert.Null(await _acs.Store.GetDeviceAsync(cpe.Id, CancellationToken.None));
        Assert.Equal(0, _acs.Engine.OpenSessions);

        Assert.True(await _acs.Store.UnblockDeviceAsync(cpe.Id, CancellationToken.None));
        await again.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");
        Assert.True((await _acs.DeviceAsync(again)).Credentials.Enrolled);
    }
}
