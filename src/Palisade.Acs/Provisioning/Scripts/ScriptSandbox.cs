using System.Text.RegularExpressions;
using Jint;
using Jint.Runtime;

namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>
/// Runs compiled scripts. No CLR access: interop is off, the engine gets no CLR object, only the functions of the
/// provisioning API; string compilation (<c>eval</c>, <c>Function</c>, and every constructor chain that reaches it) is
/// off. Every limit of <see cref="ScriptLimits"/> applies to each run, and breaking one ends the run with a typed fault.
/// A run goes to an engine the thread keeps (<see cref="PooledEngine"/>: the built-ins frozen, the global object
/// restored after each run, so nothing passes between runs, sessions or devices); a run that ends in a script error
/// there, which may come from a frozen built-in it tried to change, runs again in a fresh engine of its own (a new
/// realm whose globals and prototypes nothing earlier touched, where a script that pollutes <c>Object.prototype</c>
/// pollutes only itself), and that run's outcome counts. Thread-safe; shared by every session.
/// </summary>
public sealed class ScriptSandbox
{
    private readonly ScriptLimits _limits;
    private readonly ThreadLocal<Stack<PooledEngine>> _pool = new(() => new Stack<PooledEngine>(2));
    private long _enginesBuilt;
    private long _freshRuns;

    /// <summary>Creates a sandbox with <paramref name="limits"/>, validated.</summary>
    public ScriptSandbox(ScriptLimits limits)
    {
        _limits = (limits ?? throw new ArgumentNullException(nameof(limits))).Validate();
    }

    /// <summary>The bounds of every run.</summary>
    public ScriptLimits Limits => _limits;

    /// <summary>Pooled engines built so far (each is reused for up to <see cref="PooledEngine.MaxRuns"/> runs).</summary>
    internal long EnginesBuilt => Interlocked.Read(ref _enginesBuilt);

    // Time this thread spent building pooled engines, ever: a session's script budget does not pay for it.
    [ThreadStatic]
    private static long t_setupTicks;

    /// <summary>Stopwatch ticks this thread has spent building pooled engines (a run's caller subtracts what its run added).</summary>
    internal static long SetupTicksOnThisThread => t_setupTicks;

    /// <summary>Runs that went to a fresh engine after a script error in a pooled one.</summary>
    internal long FreshRuns => Interlocked.Read(ref _freshRuns);

    /// <summary>
    /// Runs <paramref name="script"/> with the API <paramref name="install"/> puts into its engine, and hands its
    /// value to <paramref name="result"/> while the engine lives. Never throws for anything the script does;
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires. When the run is made
    /// again in a fresh engine, <paramref name="rewind"/> first undoes what the pooled run recorded through the API.
    /// </summary>
    internal ScriptRun Run(CompiledScript script, SandboxContext context, Action<Engine> install, Func<Jint.Native.JsValue, object?>? result, CancellationToken cancellationToken, Action? rewind = null)
    {
        if (script.Program is not { } program)
        {
            return ScriptRun.Faulted(script.Error!);
        }

        var pool = _pool.Value!;
        var pooled = pool.Count > 0 ? pool.Pop() : Build(context);
        var keep = false;
        ScriptRun run;
        pooled.Begin(context, _limits.Timeout, cancellationToken);
        try
        {
            run = Execute(pooled.Engine, script, program, install, result, cancellationToken);

            // A limit broken or the run cancelled: the engine's state is not worth trusting; build another.
            keep = pooled.Runs < PooledEngine.MaxRuns
                && (run.Status != ScriptRunStatus.Faulted || run.Fault!.Code == ScriptFaultCodes.Error);
        }
        finally
        {
            pooled.End();
            if (keep)
            {
                pool.Push(pooled);
            }
        }

        // Only a script error may come from the shared engine's state; what the API refused is refused in any engine.
        if (run.Status != ScriptRunStatus.Faulted || run.Fault!.Code != ScriptFaultCodes.Error || run.Aborted)
        {
            return run;
        }

        rewind?.Invoke();
        Interlocked.Increment(ref _freshRuns);
        var state = new SandboxState(context);
        using var engine = new Engine(options =>
        {
            options.Strict = true;
            options.Interop.Enabled = false;
            options.DisableStringCompilation();
            options.MaxStatements(_limits.MaxStatements);
            options.TimeoutInterval(_limits.Timeout);
            options.LimitMemory(_limits.MaxMemoryBytes);
            options.LimitRecursion(_limits.MaxRecursionDepth);
            options.Constraints.StackOverflowGuard = true;
            options.Constraints.MaxArraySize = _limits.MaxArraySize;
            options.Constraints.RegexTimeout = _limits.RegexTimeout;
            options.CancellationToken(cancellationToken);
            options.TimeSystem = new SessionTimeSystem(context.Now);
        });
        SandboxHardening.Apply(engine, _limits, state);
        return Execute(engine, script, program, install, result, cancellationToken);
    }

    private PooledEngine Build(SandboxContext context)
    {
        Interlocked.Increment(ref _enginesBuilt);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return new PooledEngine(_limits, context);
        }
        finally
        {
            t_setupTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
        }
    }

    private ScriptRun Execute(Engine engine, CompiledScript script, Jint.Prepared<Acornima.Ast.Script> program, Action<Engine> install, Func<Jint.Native.JsValue, object?>? result, CancellationToken cancellationToken)
    {
        try
        {
            install(engine);
            var value = engine.Evaluate(program);
            return ScriptRun.Completed(result?.Invoke(value));
        }
        catch (ScriptPending)
        {
            return ScriptRun.Pending;
        }
        catch (ScriptAbort abort)
        {
            return ScriptRun.Faulted(abort.Fault with { Detail = abort.Fault.Detail ?? script.Name }) with { Aborted = true };
        }
        catch (StatementsCountOverflowException)
        {
            return Fault(ScriptFaultCodes.Timeout, $"The script ran more than {_limits.MaxStatements} statements.");
        }
        catch (RegexMatchTimeoutException)
        {
            return Fault(ScriptFaultCodes.Timeout, $"A regular expression ran longer than {_limits.RegexTimeout.TotalMilliseconds} ms.");
        }
        catch (TimeoutException)
        {
            return Fault(ScriptFaultCodes.Timeout, $"The script ran longer than {_limits.Timeout.TotalMilliseconds} ms.");
        }
        catch (MemoryLimitExceededException e)
        {
            return Fault(ScriptFaultCodes.Memory, "The script used too much memory: " + e.Message);
        }
        catch (RecursionDepthOverflowException)
        {
            return Fault(ScriptFaultCodes.Recursion, $"The script nested calls deeper than {_limits.MaxRecursionDepth}.");
        }
        catch (ExecutionCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
        catch (JavaScriptException e)
        {
            var message = e.Error.IsObject() ? TypeConverter.ToString(e.Error.Get("message")) : e.Message;
            if (message.StartsWith("Maximum call stack size exceeded", StringComparison.Ordinal))
            {
                return Fault(ScriptFaultCodes.Recursion, "The script nested calls deeper than the stack allows.");
            }

            if (message.StartsWith("Invalid string length", StringComparison.Ordinal) || message.StartsWith("Invalid array length", StringComparison.Ordinal))
            {
                return Fault(ScriptFaultCodes.Memory, "The script built a string or array over its bound: " + message);
            }

            return ScriptRun.Faulted(new ScriptFault(ScriptFaultCodes.Error, Bound(e.Message), $"{script.Name}:{e.Location.Start.Line - 1}:{e.Location.Start.Column}"));
        }
        catch (JintException e)
        {
            return Fault(ScriptFaultCodes.Error, Bound(e.Message));
        }

        ScriptRun Fault(string code, string message) => ScriptRun.Faulted(new ScriptFault(code, message, script.Name));
    }

    private static string Bound(string message) => Palisade.Cwmp.ClientText.Clip(message, 500);
}
