using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Acs.Identity;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tests.Sessions;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Tests.Identity;

/// <summary>What one device may put in the parameter cache (issue 24, medium 4 and low 2).</summary>
public sealed class DeviceLimitsTests
{
    [Fact]
    public async Task A_name_longer_than_the_store_allows_faults_the_task_once_and_the_session_still_commits()
    {
        await using var h = EngineHarness.Create();
        var cpe = await h.EnrolledCpeAsync("SN-LONG");
        var task = await h.QueueAsync(cpe, """{"name":"getParameterValues","parameterNames":["Device.X."]}""");

        await cpe.RunSessionAsync(r => r is GetParameterValuesRequest
            ? new GetParameterValuesResponse([
                new ParameterValueStruct("Device.X.Fine", ParameterValue.String("ok")),
                new ParameterValueStruct("Device.X." + new string('a', 2_000), ParameterValue.String("too long a name")),
            ])
            : EngineCpe.Default(r), "2 PERIODIC");

        var stored = await h.TaskAsync(task.Id);
        Assert.Equal(DeviceTaskStatus.Faulted, stored.Status);
        Assert.Equal(FaultCode.AcsResourcesExceeded, stored.Fault!.Code);
        var cached = await h.Store.GetParametersAsync(cpe.Id, "Device.X.", CancellationToken.None);
        Assert.Equal(["Device.X.Fine"], cached.Select(p => p.Path));

        // Not redelivered: the next session carries no task.
        Assert.Empty(await cpe.RunSessionAsync(null, "2 PERIODIC"));
        await new RegistrationSweeper(h.Engine.Enrollment, h.Store, h.Time, NullLogger.Instance).SweepAsync(CancellationToken.None);
        Assert.Contains(IdentityFlags.StorageBound, await h.Store.GetTagsAsync(cpe.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Names_the_acs_never_asked_for_are_neither_cached_nor_served()
    {
        await using var h = EngineHarness.Create();
        var cpe = await h.EnrolledCpeAsync("SN-ASK");
        var task = await h.QueueAsync(cpe, """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.SoftwareVersion","Device.WiFi."]}""");

        await cpe.RunSessionAsync(r => r is GetParameterValuesRequest
            ? new GetParameterValuesResponse([
                new ParameterValueStruct("Device.DeviceInfo.SoftwareVersion", ParameterValue.String("2.0")),
                new ParameterValueStruct("Device.WiFi.SSID.1.SSID", ParameterValue.String("home")),
                new ParameterValueStruct("../../etc/passwd", ParameterValue.String("root:x:0:0")),
                new ParameterValueStruct("<script>alert(1)</script>", ParameterValue.String("x")),
                new ParameterValueStruct("Device.DeviceInfo.SoftwareVersionX", ParameterValue.String("x")),
                new ParameterValueStruct("Device." + new string('b', 1_000), ParameterValue.String("x")),
            ])
            : EngineCpe.Default(r), "2 PERIODIC");

        var stored = await h.TaskAsync(task.Id);
        Assert.Equal(DeviceTaskStatus.Done, stored.Status);
        Assert.DoesNotContain("passwd", stored.Result, StringComparison.Ordinal);
        Assert.DoesNotContain("script", stored.Result, StringComparison.Ordinal);
        Assert.DoesNotContain("bbbb", stored.Result, StringComparison.Ordinal);
        var cached = (await h.Store.GetParametersAsync(cpe.Id, null, CancellationToken.None)).Select(p => p.Path).ToList();
        Assert.Contains("Device.WiFi.SSID.1.SSID", cached);
        Assert.DoesNotContain(cached, p => p.Contains("passwd", StringComparison.Ordinal) || p.Contains("script", StringComparison.Ordinal) || p.Length > 256 || p.EndsWith("VersionX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_inform_cannot_grow_the_cache_past_the_bounds_of_one_session()
    {
        await using var h = EngineHarness.Create(o => o.DeviceLimits.MaxParametersPerSession = 100);
        var cpe = await h.EnrolledCpeAsync("SN-GROW");
        var inform = cpe.Inform("2 PERIODIC");
        inform = inform with
        {
            ParameterList = [.. inform.ParameterList, .. Enumerable.Range(0, 500).Select(i => new ParameterValueStruct($"Device.X_Flood.{i}." + new string('n', 180), ParameterValue.String("v")))],
        };

        Assert.Equal(200, (await cpe.InformAsync(inform)).Status);
        await cpe.FinishSessionAsync();

        var cached = await h.Store.GetParametersAsync(cpe.Id, "Device.X_Flood.", CancellationToken.None);
        Assert.InRange(cached.Count, 1, 100);
    }

    [Fact]
    public void Bounds_out_of_range_are_refused_at_start()
    {
        var options = new SessionOptions();
        options.DeviceLimits.MaxNameLength = 5_000;
        Assert.Contains("MaxNameLength", Assert.Throws<ArgumentOutOfRangeException>(options.Validate).Message, StringComparison.Ordinal);
    }
}
