using Palisade.Cpe.Diagnostics;
using Palisade.Cwmp.Events;
using Palisade.Cwmp.Messages;

namespace Palisade.Cpe.Agent;

public sealed partial class CpeAgent
{
    /// <summary>How long one diagnostic may run, whatever its inputs say.</summary>
    public static readonly TimeSpan MaxDiagnosticTime = TimeSpan.FromMinutes(10);

    private DiagnosticsModel? _diagnostics;

    /// <summary>The agent's TR-143 diagnostics objects.</summary>
    public DiagnosticsModel Diagnostics => LazyInitializer.EnsureInitialized(ref _diagnostics, () => new DiagnosticsModel(Model.Root));

    // SetParameterValues: names inside the diagnostics objects go to the diagnostics model; a diagnostic set to
    // Requested runs after the session and ends with 8 DIAGNOSTICS COMPLETE (TR-069 §3.2.1).
    private SetParameterValuesResponse SetValues(SetParameterValuesRequest spv)
    {
        var diagnostics = spv.ParameterList.Where(p => Diagnostics.Owns(p.Name)).ToList();
        var rest = spv.ParameterList.Where(p => !Diagnostics.Owns(p.Name)).ToList();

        // All or nothing: the diagnostics inputs are checked before the other values are set.
        Diagnostics.Check(diagnostics);
        if (rest.Count > 0 || diagnostics.Count == 0)
        {
            Model.SetValues(rest, spv.ParameterKey, (path, value) => GuardValue(path, value) ?? GuardStun(path, value, rest));
        }

        if (diagnostics.Count > 0)
        {
            foreach (var kind in Diagnostics.Set(diagnostics))
            {
                AfterSession(token =>
                {
                    // Fire and forget, so RunDiagnosticAsync never throws: it ends every diagnostic with a state.
                    _ = Task.Run(() => RunDiagnosticAsync(kind), CancellationToken.None);
                    return Task.CompletedTask;
                });
            }

            if (rest.Count == 0)
            {
                Model.SetInternal(Model.Root + "ManagementServer.ParameterKey", spv.ParameterKey);
            }
        }

        return new SetParameterValuesResponse(0);
    }

    // Every diagnostic ends with a state and 8 DIAGNOSTICS COMPLETE, whatever happens: cut off after ten minutes
    // (Error_Other), or an input the network stack refuses (Error_Internal); X_PALISADE_Error says which.
    private async Task RunDiagnosticAsync(string kind)
    {
        string state;
        Dictionary<string, Cwmp.Values.ParameterValue> results;
        using var stop = new CancellationTokenSource(MaxDiagnosticTime, _time);
        try
        {
            (state, results) = await MeasureAsync(kind, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            (state, results) = ("Error_Other", new() { ["X_PALISADE_Error"] = Cwmp.Values.ParameterValue.String("cut off by the agent's ten-minute bound") });
        }
        catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException or IOException or HttpRequestException or InvalidOperationException)
        {
            (state, results) = ("Error_Internal", new() { ["X_PALISADE_Error"] = Cwmp.Values.ParameterValue.String(e.GetType().Name) });
        }
#pragma warning disable CA1031 // Nothing may leave a requested diagnostic "Requested" or throw into a task nobody observes: whatever failed, it ends in Error_Internal with a log line.
        catch (Exception e)
#pragma warning restore CA1031
        {
            AgentLog.DiagnosticFailed(_log, Model.Identity.SerialNumber, kind, e);
            (state, results) = ("Error_Internal", new() { ["X_PALISADE_Error"] = Cwmp.Values.ParameterValue.String("unexpected " + e.GetType().Name) });
        }

        Diagnostics.Complete(kind, state, results);
        AddEvent(EventCodes.DiagnosticsComplete);
        try
        {
            Wake();
        }
        catch (ObjectDisposedException)
        {
            // The agent was disposed while the diagnostic ran: nobody is left to report it to.
        }
    }

    /// <summary>Replaces the measurement of a diagnostic (tests make it fail in ways the network stack rarely does).</summary>
    internal Func<string, CancellationToken, Task<(string State, Dictionary<string, Cwmp.Values.ParameterValue> Results)>>? MeasureOverride { get; set; }

    private async Task<(string State, Dictionary<string, Cwmp.Values.ParameterValue> Results)> MeasureAsync(string kind, CancellationToken cancellationToken)
    {
        if (MeasureOverride is { } measure)
        {
            return await measure(kind, cancellationToken).ConfigureAwait(false);
        }

        var d = Diagnostics;
        var timeout = d.Number(kind, "Timeout", 1000);
        return kind switch
        {
            "IPPing" => await DiagnosticsRunner.PingAsync(d.Input(kind, "Host"), d.Number(kind, "NumberOfRepetitions", 3), timeout, d.Number(kind, "DataBlockSize", 32), _options.Icmp, cancellationToken).ConfigureAwait(false),
            "TraceRoute" => await DiagnosticsRunner.TraceRouteAsync(d.Input(kind, "Host"), d.Number(kind, "NumberOfTries", 3), timeout, d.Number(kind, "MaxHopCount", 30), _options.Icmp, cancellationToken).ConfigureAwait(false),
            "DownloadDiagnostics" => await TransferDiagnostics.DownloadAsync(d.Input(kind, "DownloadURL"), _options.TrustedCas, _time, cancellationToken).ConfigureAwait(false),
            "UploadDiagnostics" => await TransferDiagnostics.UploadAsync(d.Input(kind, "UploadURL"), d.Number(kind, "TestFileLength", 0), _options.TrustedCas, _time, cancellationToken).ConfigureAwait(false),
            "NSLookupDiagnostics" => await TransferDiagnostics.NsLookupAsync(d.Input(kind, "HostName"), d.Input(kind, "DNSServer"), d.Number(kind, "NumberOfRepetitions", 1), timeout, cancellationToken).ConfigureAwait(false),
            "UDPEchoDiagnostics" => await DiagnosticsRunner.UdpEchoAsync(d.Input(kind, "Host"), d.Number(kind, "Port", 0), d.Number(kind, "NumberOfRepetitions", 1), timeout, d.Number(kind, "DataBlockSize", 24), d.Number(kind, "InterTransmissionTime", 0), _time, cancellationToken).ConfigureAwait(false),
            _ => ("Error_Other", new Dictionary<string, Cwmp.Values.ParameterValue>()),
        };
    }
}
