using Palisade.Cpe.Diagnostics;
using Palisade.Cwmp.Events;
using Palisade.Cwmp.Messages;

namespace Palisade.Cpe.Agent;

public sealed partial class CpeAgent
{
    private DiagnosticsModel? _diagnostics;

    /// <summary>The agent's TR-143 diagnostics objects.</summary>
    public DiagnosticsModel Diagnostics => LazyInitializer.EnsureInitialized(ref _diagnostics, () => new DiagnosticsModel(Model.Root));

    // SetParameterValues: names inside the diagnostics objects go to the diagnostics model; a diagnostic set to
    // Requested runs after the session and ends with 8 DIAGNOSTICS COMPLETE (TR-069 §3.2.1).
    private SetParameterValuesResponse SetValues(SetParameterValuesRequest spv)
    {
        var diagnostics = spv.ParameterList.Where(p => Diagnostics.Owns(p.Name)).ToList();
        var rest = spv.ParameterList.Where(p => !Diagnostics.Owns(p.Name)).ToList();
        if (rest.Count > 0 || diagnostics.Count == 0)
        {
            Model.SetValues(rest, spv.ParameterKey, GuardValue);
        }

        if (diagnostics.Count > 0)
        {
            foreach (var kind in Diagnostics.Set(diagnostics))
            {
                AfterSession(token =>
                {
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

    private async Task RunDiagnosticAsync(string kind)
    {
        var d = Diagnostics;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var timeout = d.Number(kind, "Timeout", 1000);
        var (state, results) = kind switch
        {
            "IPPing" => await DiagnosticsRunner.PingAsync(d.Input(kind, "Host"), d.Number(kind, "NumberOfRepetitions", 3), timeout, d.Number(kind, "DataBlockSize", 32), stop.Token).ConfigureAwait(false),
            "TraceRoute" => await DiagnosticsRunner.TraceRouteAsync(d.Input(kind, "Host"), d.Number(kind, "NumberOfTries", 3), timeout, d.Number(kind, "MaxHopCount", 30), stop.Token).ConfigureAwait(false),
            "DownloadDiagnostics" => await TransferDiagnostics.DownloadAsync(d.Input(kind, "DownloadURL"), _options.TrustedCas, _time, stop.Token).ConfigureAwait(false),
            "UploadDiagnostics" => await TransferDiagnostics.UploadAsync(d.Input(kind, "UploadURL"), d.Number(kind, "TestFileLength", 0), _options.TrustedCas, _time, stop.Token).ConfigureAwait(false),
            "NSLookupDiagnostics" => await TransferDiagnostics.NsLookupAsync(d.Input(kind, "HostName"), d.Input(kind, "DNSServer"), d.Number(kind, "NumberOfRepetitions", 1), timeout, stop.Token).ConfigureAwait(false),
            "UDPEchoDiagnostics" => await DiagnosticsRunner.UdpEchoAsync(d.Input(kind, "Host"), d.Number(kind, "Port", 0), d.Number(kind, "NumberOfRepetitions", 1), timeout, d.Number(kind, "DataBlockSize", 24), d.Number(kind, "InterTransmissionTime", 0), _time, stop.Token).ConfigureAwait(false),
            _ => ("Error_Other", new Dictionary<string, Cwmp.Values.ParameterValue>()),
        };
        d.Complete(kind, state, results);
        AddEvent(EventCodes.DiagnosticsComplete);
        Wake();
    }
}
