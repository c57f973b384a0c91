using Palisade.Acs.Query;
using Palisade.Cwmp;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Acs.Tests.Sessions;

/// <summary>What a CPE reports on its own is kept in its event history, which filters can search by time (issue 18).</summary>
public sealed class DeviceEventHistoryTests : IAsyncLifetime
{
    private const string Autonomous = "10 AUTONOMOUS TRANSFER COMPLETE";

    private EngineHarness _acs = null!;

    public Task InitializeAsync()
    {
        _acs = EngineHarness.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    [Fact]
    public async Task Autonomous_transfers_and_du_changes_are_recorded_and_found_by_event_filters_in_a_window()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-EVENTS");
        var other = await _acs.EnrolledCpeAsync("SN-QUIET", "192.0.2.11");
        _acs.Time.Advance(TimeSpan.FromHours(1));
        var now = _acs.Time.GetUtcNow();
        Assert.Equal(200, (await cpe.InformAsync(Autonomous, "12 AUTONOMOUS DU STATE CHANGE COMPLETE")).Status);
        var reply = await cpe.PostAsync(CwmpEnvelope.For(CwmpVersion.V1_4, "atc", new AutonomousTransferCompleteRequest(
            string.Empty, "https://files.example/fw-2.0.bin", true, "1 Firmware Upgrade Image", 4096, string.Empty, new TransferFault(0, string.Empty), now, now)));
        Assert.IsType<AutonomousTransferCompleteResponse>(reply.Body);
        reply = await cpe.PostAsync(CwmpEnvelope.For(CwmpVersion.V1_4, "adu", new AutonomousDUStateChangeCompleteRequest([
            new DeploymentUnitResult("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "", "1.2", "Installed", true, "", now, now, new TransferFault(0, string.Empty), "Install")])));
        Assert.IsType<AutonomousDUStateChangeCompleteResponse>(reply.Body);

        // After a DU state change the ACS reads the device's software modules (SoftwareModulesStep).
        var read = await cpe.EmptyPostAsync();
        Assert.Equal(["Device.SoftwareModules."], Assert.IsType<GetParameterValuesRequest>(read.Body).ParameterNames);
        Assert.Equal(204, (await cpe.AnswerAsync(read, new GetParameterValuesResponse([]))).Status);

        // Later sessions do not push them out of the history.
        _acs.Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await cpe.RunSessionAsync(null, "2 PERIODIC"));

        var events = await _acs.Store.ListEventsAsync(cpe.Id, 100, CancellationToken.None);
        var transfer = Assert.Single(events, e => e.Code == Autonomous);
        Assert.Contains("fw-2.0.bin", transfer.Detail, StringComparison.Ordinal);
        Assert.Equal(now, transfer.At);
        Assert.Contains("Installed", Assert.Single(events, e => e.Code == "12 AUTONOMOUS DU STATE CHANGE COMPLETE").Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.Code == "2 PERIODIC");

        Assert.Equal([cpe.Id], await MatchAsync($"event = \"{Autonomous}\" SINCE now-3h"));
        Assert.Empty(await MatchAsync($"event = \"{Autonomous}\" SINCE now-30m"));
        Assert.Empty(await MatchAsync($"event = \"{Autonomous}\" SINCE now-3h UNTIL now-2h"));
        Assert.Equal([other.Id], await MatchAsync($"event <> \"{Autonomous}\" SINCE now-3h"));
        Assert.Equal([cpe.Id], await MatchAsync("event LIKE \"12 %\" SINCE now-1d"));

        // Without a window, event still means the last Inform's events, as before.
        Assert.Empty(await MatchAsync($"event = \"{Autonomous}\""));
    }

    [Fact]
    public async Task An_event_code_with_a_comma_matches_no_event_the_device_never_sent()
    {
        // Issue 24 low 13: the last Inform's codes are kept as one comma-separated list, so a hostile code
        // "1 BOOT,0 BOOTSTRAP" must not read back as the two events it spells.
        var cpe = await _acs.EnrolledCpeAsync("SN-COMMA");
        _acs.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await cpe.RunSessionAsync(null, "1 BOOT,0 BOOTSTRAP"));

        Assert.Empty(await MatchAsync("event = \"0 BOOTSTRAP\""));
        Assert.Empty(await MatchAsync("event = \"1 BOOT\""));
        Assert.Equal([cpe.Id], await MatchAsync("event <> \"0 BOOTSTRAP\" AND event <> \"1 BOOT\""));
        Assert.DoesNotContain(",", (await _acs.DeviceAsync(cpe)).LastEvents, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_last_events_are_cut_to_their_bound_between_characters_never_inside_one()
    {
        // 20 codes of 50 characters and their commas end at 1019; the last code puts an emoji (a surrogate pair) across
        // the 1,024-character bound. A cut inside it would store half a character (invalid UTF-16, U+FFFD in SQLite).
        var cpe = await _acs.EnrolledCpeAsync("SN-SURROGATE");
        _acs.Time.Advance(TimeSpan.FromMinutes(5));
        string[] codes = [.. Enumerable.Range(0, 20).Select(i => $"X{i:00}".PadRight(50, 'x')), "abc\U0001F600z"];
        await cpe.RunSessionAsync(null, codes);

        var stored = (await _acs.DeviceAsync(cpe)).LastEvents;
        Assert.Equal(1023, stored.Length);
        Assert.EndsWith(",abc", stored, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<Palisade.Acs.Devices.DeviceId>> MatchAsync(string filter) =>
        await _acs.Store.MatchDeviceIdsAsync(FilterParser.Parse(filter, _acs.Time.GetUtcNow()), 10, CancellationToken.None);
}
