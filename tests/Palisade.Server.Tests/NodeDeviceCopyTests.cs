using Palisade.Acs.Devices;

namespace Palisade.Server.Tests;

/// <summary>
/// A node's copy of the devices its sessions committed (RecentDevices): a device's next session on the same node is
/// admitted on the copy and reads the store once, under its lease; a copy that another node has made stale never admits
/// anything the store would not.
/// </summary>
public sealed class NodeDeviceCopyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_devices_next_session_on_the_node_that_committed_its_last_reads_it_only_under_its_lease()
    {
        await using var nodes = await TwoNodes.StartAsync(gateB: true);
        using var cpe = await EnrolledAsync(nodes, "SN-COPY");
        var onB = new TestCpe(nodes.B, "SN-COPY", cpe.Username, cpe.Password);

        await onB.RunSessionAsync(null, "2 PERIODIC").WaitAsync(Deadline);
        var afterFirst = nodes.GateB!.DeviceReads;
        await onB.RunSessionAsync(null, "2 PERIODIC").WaitAsync(Deadline);
        await onB.RunSessionAsync(null, "2 PERIODIC").WaitAsync(Deadline);

        Assert.True(afterFirst >= 1, "node B's first session of the device reads it");
        Assert.Equal(afterFirst, nodes.GateB.DeviceReads);
        var stored = await nodes.A.Host.Store.GetDeviceAsync(new DeviceId("00D09E", "HGW", "SN-COPY"), CancellationToken.None);
        Assert.Equal("2 PERIODIC", stored!.LastEvents);
    }

    [Fact]
    public async Task A_device_readmitted_through_another_node_is_not_admitted_on_this_nodes_copy_of_its_old_credential()
    {
        await using var nodes = await TwoNodes.StartAsync();
        using var cpe = await EnrolledAsync(nodes, "SN-READMIT");
        var id = new DeviceId("00D09E", "HGW", "SN-READMIT");
        await cpe.RunSessionAsync(null, "2 PERIODIC").WaitAsync(Deadline);
        var before = (await nodes.A.Host.Store.GetDeviceAsync(id, CancellationToken.None))!.LastInformAt;

        // An operator readmits the device through node B: its own credential is forgotten in the store.
        Assert.True(await nodes.B.Host.Store.ResetCredentialsAsync(id, CancellationToken.None));

        // Node A's copy still holds the old credential and admits the Inform, but its lease read finds the store's.
        var refused = await cpe.SendInformAsync(Cwmp.CwmpVersion.V1_2, "2 PERIODIC").WaitAsync(Deadline);
        Assert.Equal(503, refused.StatusCode);
        Assert.Contains("another node", refused.Text, StringComparison.Ordinal);
        cpe.EndSession();

        // The next attempt is decided on the store's record: the old credential no longer works.
        var again = await cpe.SendInformAsync(Cwmp.CwmpVersion.V1_2, "2 PERIODIC").WaitAsync(Deadline);
        Assert.NotEqual(200, again.StatusCode);
        Assert.Equal(before, (await nodes.A.Host.Store.GetDeviceAsync(id, CancellationToken.None))!.LastInformAt);
    }

    [Fact]
    public async Task A_device_deleted_through_another_node_gets_no_session_on_this_nodes_copy()
    {
        await using var nodes = await TwoNodes.StartAsync();
        using var cpe = await EnrolledAsync(nodes, "SN-DELETED");
        var id = new DeviceId("00D09E", "HGW", "SN-DELETED");
        await cpe.RunSessionAsync(null, "2 PERIODIC").WaitAsync(Deadline);

        Assert.True(await nodes.B.Host.Store.DeleteDeviceAsync(id, CancellationToken.None));

        var refused = await cpe.SendInformAsync(Cwmp.CwmpVersion.V1_2, "2 PERIODIC").WaitAsync(Deadline);
        Assert.Equal(503, refused.StatusCode);
        cpe.EndSession();
        var again = await cpe.SendInformAsync(Cwmp.CwmpVersion.V1_2, "2 PERIODIC").WaitAsync(Deadline);
        Assert.NotEqual(200, again.StatusCode);
        Assert.Null(await nodes.A.Host.Store.GetDeviceAsync(id, CancellationToken.None));
    }

    // A device enrolled through node A (its bootstrap session there), with its own credential.
    private static async Task<TestCpe> EnrolledAsync(TwoNodes nodes, string serial)
    {
        var cpe = TestCpe.Bootstrap(nodes.A, serial);
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT").WaitAsync(Deadline);
        Assert.NotNull(cpe.Username);
        return cpe;
    }
}
