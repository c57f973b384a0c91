using Palisade.Acs.Provisioning.Scripts;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// What every script run of one session shares: the device's view, the sandbox, the session's clock and seed, the
/// virtual parameters' scripts loaded so far, and where learned values go. One session at a time.
/// </summary>
internal sealed class ProvisioningRun(DeviceView view, ScriptSandbox sandbox, SandboxContext context, SessionChanges changes)
{
    public DeviceView View { get; } = view;

    public ScriptSandbox Sandbox { get; } = sandbox;

    public ScriptLimits Limits => Sandbox.Limits;

    public SandboxContext Context { get; } = context;

    public SessionChanges Changes { get; } = changes;

    public long NowMs => Context.NowMs;

    /// <summary>Virtual parameters' scripts by name; null for one the store does not have.</summary>
    public Dictionary<string, CompiledScript?> VirtualScripts { get; } = new(StringComparer.Ordinal);

    /// <summary>Virtual parameters evaluated this round, by name and the value written (empty for a read).</summary>
    public Dictionary<(string Name, string Written), VirtualParameterResult?> VirtualResults { get; } = [];

    /// <summary>The cancellation of the session's current hook.</summary>
    public CancellationToken Cancellation { get; set; }

    /// <summary>Nesting of virtual-parameter runs (a virtual parameter may not read another).</summary>
    public int Depth { get; set; }

    /// <summary>Script time spent in this session so far.</summary>
    public TimeSpan Spent { get; set; }

    /// <summary>The HTTPS extension calls of this session and their answers, by name, function and arguments.</summary>
    public Dictionary<string, string> ExtCache { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="script"/> for <paramref name="round"/>, with <paramref name="argsJson"/> as <c>args</c>.</summary>
    public ScriptRun Run(CompiledScript script, ChannelRound round, string argsJson, Func<Jint.Native.JsValue, object?>? result, Action<Jint.Engine>? extra, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var setup = ScriptSandbox.SetupTicksOnThisThread;
        try
        {
            if (Spent >= Limits.SessionBudget)
            {
                return ScriptRun.Faulted(new ScriptFault(ScriptFaultCodes.Timeout, $"The session's scripts ran longer than {Limits.SessionBudget.TotalMilliseconds} ms together.", script.Name));
            }

            var mark = round.Mark();
            return Sandbox.Run(script, Context, engine => DeclareApi.Install(engine, this, round, argsJson, extra), result, cancellationToken, () => round.Rewind(mark));
        }
        finally
        {
            // Building the thread's engine (rare, and slow only when cold) is not the script's time.
            var built = ScriptSandbox.SetupTicksOnThisThread - setup;
            Spent += System.Diagnostics.Stopwatch.GetElapsedTime(started, System.Diagnostics.Stopwatch.GetTimestamp() - built);
        }
    }

    /// <summary>Records a learned parameter for the commit and in the view.</summary>
    public void Learn(CachedParameter parameter)
    {
        Changes.Parameters.Add(parameter);
        View.Apply(parameter, parameter.ReadAt?.ToUnixTimeMilliseconds() ?? 0);
    }
}
