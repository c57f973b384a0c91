using System.Diagnostics.Metrics;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Sessions;

/// <summary>
/// The session engine's instruments on the meter <c>Palisade.Sessions</c> (the host exports every <c>Palisade.*</c>
/// meter at <c>/metrics</c>): sessions by outcome and their duration, RPCs by method, CWMP faults by code, sheds and
/// lease conflicts. A measurement nobody listens to costs a branch.
/// </summary>
public static class SessionMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Palisade.Sessions";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Sessions = Meter.CreateCounter<long>("palisade.sessions", "{session}", "CWMP sessions ended, by outcome.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("palisade.session.duration", "s", "How long CWMP sessions lasted, from the Inform to their end.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    private static readonly Counter<long> Rpcs = Meter.CreateCounter<long>("palisade.rpcs", "{rpc}", "RPCs sent to CPEs, by method.");

    private static readonly Counter<long> Faults = Meter.CreateCounter<long>("palisade.cwmp.faults", "{fault}", "CWMP faults CPEs answered RPCs with, by fault code.");

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("palisade.sessions.refused", "{session}", "Sessions refused with 503 and Retry-After, by reason (shed: the ACS at its limits; lease: the device is in a session on another node; store: the store unreachable).");

    private static readonly Counter<long> TaskStates = Meter.CreateCounter<long>("palisade.tasks", "{task}", "Tasks by the state they reached: queued (through the API), running (taken by a session), done, faulted.");

    /// <summary>Counts <paramref name="count"/> tasks reaching <paramref name="state"/> (queued, running, done, faulted).</summary>
    internal static void Tasks(string state, int count = 1) => TaskStates.Add(count, new KeyValuePair<string, object?>("state", state));

    internal static void Ended(SessionOutcome outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome.ToText());
        Sessions.Add(1, tag);
        if (Duration.Enabled)
        {
            Duration.Record(duration.TotalSeconds, tag);
        }
    }

    internal static void RpcSent(string method) => Rpcs.Add(1, new KeyValuePair<string, object?>("method", method));

    internal static void FaultAnswered(CwmpMessage answer)
    {
        if (answer is CwmpFault fault)
        {
            Faults.Add(1, new KeyValuePair<string, object?>("code", FaultCodeLabel(fault.FaultCode)));
        }
    }

    /// <summary>
    /// The fault code as a metric label: a code of the specification's ranges (8000–8999 from the ACS, 9000–9899 from
    /// the CPE, vendor codes included) as itself, anything else a CPE sends as "other", so that a device cannot make
    /// a new metric series per invented code until the exporter's series limit drops the real ones.
    /// </summary>
    internal static object FaultCodeLabel(int code) => code is >= 8000 and <= 8999 or >= 9000 and <= 9899 ? code : "other";

    internal static void Shed(string reason) => Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
