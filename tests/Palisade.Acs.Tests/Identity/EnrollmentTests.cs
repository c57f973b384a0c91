using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Acs.Identity;
using Palisade.Acs.Tests.Sessions;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tests.Identity;

/// <summary>
/// The bootstrap credential is public: who may enroll on it, how fast, how long an unfinished registration stays,
/// and the share of sessions it may hold (issue 24, mediums 1–3).
/// </summary>
public sealed class EnrollmentTests
{
    [Fact]
    public async Task Sessions_on_the_bootstrap_credential_never_keep_an_enrolled_device_out()
    {
        await using var h = EngineHarness.Create(o => { o.MaxSessionsInFlight = 2; o.MaxUnenrolledSessionsInFlight = 2; });
        var enrolled = await h.EnrolledCpeAsync("SN-REAL");

        // Idle sessions opened with the bootstrap credential, as many as the flood can open.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(200, (await h.NewCpe("SN-FLOOD" + i, "198.51.100." + (i + 1)).InformAsync("0 BOOTSTRAP")).Status);
        }

        Assert.Equal(503, (await h.NewCpe("SN-FLOOD9", "198.51.100.9").InformAsync("0 BOOTSTRAP")).Status);
        Assert.Equal(200, (await enrolled.InformAsync("2 PERIODIC")).Status);
    }

    [Fact]
    public async Task An_idle_session_on_the_bootstrap_credential_expires_sooner_than_an_enrolled_one()
    {
        await using var h = EngineHarness.Create(o => o.UnenrolledSessionTimeout = TimeSpan.FromSeconds(10));
        var enrolled = await h.EnrolledCpeAsync("SN-REAL");
        Assert.Equal(200, (await enrolled.InformAsync("2 PERIODIC")).Status);
        Assert.Equal(200, (await h.NewCpe("SN-IDLE", "198.51.100.1").InformAsync("0 BOOTSTRAP")).Status);
        Assert.Equal(2, h.Engine.OpenSessions);

        h.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(1, await h.Engine.SweepExpiredAsync(CancellationToken.None));
        Assert.Equal(1, h.Engine.OpenSessions);
        Assert.Equal(204, (await enrolled.EmptyPostAsync()).Status);
    }

    [Fact]
    public async Task With_an_allow_list_only_listed_ids_enroll_and_nothing_is_stored_for_the_others()
    {
        await using var h = EngineHarness.Create(authenticate: a => a.Enrollment.AllowList = EnrollmentAllowList.Parse(["# expected devices", "00D09E-HGW-SNLISTED", "00D09E-GW2-*"]));
        await h.EnrolledCpeAsync("SNLISTED");

        var squatter = h.NewCpe("SNUNLISTED", "198.51.100.66");
        Assert.Equal(403, (await squatter.InformAsync("0 BOOTSTRAP")).Status);
        Assert.Null(await h.Store.GetDeviceAsync(squatter.Id, CancellationToken.None));
    }

    [Fact]
    public void An_allow_list_matches_whole_ids_and_oui_product_class_prefixes_and_names_a_bad_line()
    {
        var list = EnrollmentAllowList.Parse(["00D09E-HGW-SN1", "", "001122-*", "00D09E-GW2-*"]);
        Assert.True(list.Allows(new("00D09E", "HGW", "SN1")));
        Assert.False(list.Allows(new("00D09E", "HGW", "SN2")));
        Assert.True(list.Allows(new("001122", "ANY", "X")));
        Assert.True(list.Allows(new("00D09E", "GW2", "X")));
        Assert.False(list.Allows(new("00D09E", "GW3", "X")));
        Assert.Contains("line 2", Assert.Throws<FormatException>(() => EnrollmentAllowList.Parse(["00D09E-HGW-SN1", "not an id"])).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => EnrollmentAllowList.Parse(["00D09E*"]));
    }

    [Fact]
    public async Task New_registrations_are_rate_limited_per_source_address()
    {
        await using var h = EngineHarness.Create(authenticate: a => a.Enrollment.MaxRegistrationsPerSourcePerMinute = 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await h.NewCpe("SN-A" + i, "198.51.100.7").InformAsync("0 BOOTSTRAP")).Status);
        }

        var refused = h.NewCpe("SN-A3", "198.51.100.7");
        var reply = await refused.InformAsync("0 BOOTSTRAP");
        Assert.Equal(503, reply.Status);
        Assert.NotNull(reply.Response.RetryAfter);
        Assert.Null(await h.Store.GetDeviceAsync(refused.Id, CancellationToken.None));

        // Another source is not held back, and the first gets a registration back after its share of a minute.
        Assert.Equal(200, (await h.NewCpe("SN-B0", "198.51.100.8").InformAsync("0 BOOTSTRAP")).Status);
        h.Time.Advance(TimeSpan.FromSeconds(21));
        Assert.Equal(200, (await h.NewCpe("SN-A4", "198.51.100.7").InformAsync("0 BOOTSTRAP")).Status);
    }

    [Fact]
    public async Task A_first_boot_wave_behind_one_address_is_held_only_by_registrations_left_unfinished()
    {
        await using var h = EngineHarness.Create(authenticate: a => a.Enrollment.MaxRegistrationsPerSourcePerMinute = 3);

        // Ten devices behind one address (a CGNAT, a staging line) each complete enrollment: the source's rate, which
        // counts registrations that do not complete, never runs out.
        for (var i = 0; i < 10; i++)
        {
            await h.EnrolledCpeAsync("SN-WAVE" + i, "198.51.100.7");
        }

        // Registrations left unfinished are what the source is held to: three, then 503 and nothing stored.
        for (var i = 0; i < 3; i++)
        {
            await RefuseEnrollmentAsync(h.NewCpe("SN-JUNK" + i, "198.51.100.7"));
        }

        var refused = h.NewCpe("SN-JUNK3", "198.51.100.7");
        Assert.Equal(503, (await refused.InformAsync("0 BOOTSTRAP")).Status);
        Assert.Null(await h.Store.GetDeviceAsync(refused.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_registration_shed_for_lack_of_a_session_slot_costs_its_source_nothing()
    {
        await using var h = EngineHarness.Create(
            o => o.MaxUnenrolledSessionsInFlight = 1,
            a => a.Enrollment.MaxRegistrationsPerSourcePerMinute = 2);
        var first = h.NewCpe("SN-FIRST", "198.51.100.7");
        Assert.Equal(200, (await first.InformAsync("0 BOOTSTRAP")).Status);

        // The only bootstrap slot is taken: the second device is shed again and again, as a storm would shed it.
        var second = h.NewCpe("SN-SECOND", "198.51.100.7");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(503, (await second.InformAsync("0 BOOTSTRAP")).Status);
        }

        // Once the slot is free, it still has its registration: being shed spent none.
        var set = await first.EmptyPostAsync();
        Assert.Equal(204, (await first.AnswerAsync(set, new CwmpFault(9001))).Status);
        await RefuseEnrollmentAsync(second);
        Assert.NotNull(await h.Store.GetDeviceAsync(second.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Registrations_pending_enrollment_are_bounded_and_expire_when_silent()
    {
        await using var h = EngineHarness.Create(authenticate: a =>
        {
            a.Enrollment.MaxPendingRegistrations = 2;
            a.Enrollment.PendingLifetime = TimeSpan.FromMinutes(30);
        });
        var sweeper = new RegistrationSweeper(h.Engine.Enrollment, h.Store, h.Time, NullLogger.Instance);
        var enrolled = await h.EnrolledCpeAsync("SN-REAL");
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal(0, h.Engine.Enrollment.Pending);

        var invented = new[] { h.NewCpe("SN-X1", "198.51.100.1"), h.NewCpe("SN-X2", "198.51.100.2") };
        foreach (var cpe in invented)
        {
            await RefuseEnrollmentAsync(cpe);
        }

        Assert.Equal(503, (await h.NewCpe("SN-X3", "198.51.100.3").InformAsync("0 BOOTSTRAP")).Status);

        h.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(2, await sweeper.SweepAsync(CancellationToken.None));
        foreach (var cpe in invented)
        {
            Assert.Null(await h.Store.GetDeviceAsync(cpe.Id, CancellationToken.None));
        }

        Assert.NotNull(await h.Store.GetDeviceAsync(enrolled.Id, CancellationToken.None));
        Assert.Equal(0, h.Engine.Enrollment.Pending);
        Assert.Equal(200, (await h.NewCpe("SN-X3", "198.51.100.3").InformAsync("0 BOOTSTRAP")).Status);
    }

    [Fact]
    public async Task A_second_party_presenting_a_claimed_id_is_flagged_on_the_device()
    {
        await using var h = EngineHarness.Create();
        var real = await h.EnrolledCpeAsync("SN-REAL");
        var sweeper = new RegistrationSweeper(h.Engine.Enrollment, h.Store, h.Time, NullLogger.Instance);

        var squatter = h.NewCpe("SN-REAL", "203.0.113.5");
        Assert.Equal(401, (await squatter.InformAsync("0 BOOTSTRAP")).Status);
        await sweeper.SweepAsync(CancellationToken.None);

        Assert.Contains(IdentityFlags.IdentityConflict, await h.Store.GetTagsAsync(real.Id, CancellationToken.None));
        Assert.Equal(200, (await real.InformAsync("2 PERIODIC")).Status);
    }

    private static async Task RefuseEnrollmentAsync(EngineCpe cpe)
    {
        Assert.Equal(200, (await cpe.InformAsync("0 BOOTSTRAP")).Status);
        var reply = await cpe.EmptyPostAsync();
        Assert.IsType<SetParameterValuesRequest>(reply.Body);
        Assert.Equal(204, (await cpe.AnswerAsync(reply, new CwmpFault(9001))).Status);
    }
}
