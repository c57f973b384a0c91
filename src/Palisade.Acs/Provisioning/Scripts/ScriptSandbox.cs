using System.Text.RegularExpressions;
using Jint;
using Jint.Runtime;

namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>
/// Runs compiled scripts, each run in an engine of its own: a fresh realm whose globals and prototypes nothing earlier
/// touched, so no state passes between runs, sessions or devices (a script that pollutes <c>Object.prototype</c>
/// pollutes only itself). No CLR access: interop is off, the engine gets no CLR object, only the functions of the
/// provisioning API; string compilation (<c>eval</c>, <c>Function</c>, and every constructor chain that reaches it) is
/// off. Every limit of <see cref="ScriptLimits"/> applies to each run, and breaking one ends the run with a typed fault.
/// Thread-safe; shared by every session.
/// </summary>
public sealed class ScriptSandbox
{
    private readonly ScriptLimits _limits;

    /// <summary>Creates a sandbox with <paramref name="limits"/>, validated.</summary>
    public ScriptSandbox(ScriptLimits limits)
    {
        _limits = (limits ?? throw new ArgumentNullException(nameof(limits))).Validate();
    }

    /// <summary>The bounds of every run.</summary>
    public ScriptLimits Limits => _limits;

    /// <summary>
    /// Runs <paramref name="script"/> with the API <paramref name="install"/> puts into its engine, and hands its
    /// value to <paramref name="result"/> while the engine lives. Never throws for
    /// anything the script does; <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    internal ScriptRun Run(CompiledScript script, SandboxContext context, Action<Engine> install, Func<Jint.Native.JsValue, object?>? result, CancellationToken cancellationToken)
    {
        if (script.Program is not { } program)
        {
            return ScriptRun.Faulted(script.Error!);
        }

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

        try
        {
            SandboxHardening.Apply(engine, _limits, context);
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
            return ScriptRun.Faulted(abort.Fault with { Detail = abort.Fault.Detail ?? script.Name });
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

    private static string Bound(string message) => message.Length > 500 ? message[..500] + "…" : message;

    // new Date() and Date.now() see the session's time, as every round of the session does.
    private sealed class SessionTimeSystem(DateTimeOffset now) : DefaultTimeSystem(TimeZoneInfo.Utc, System.Globalization.CultureInfo.InvariantCulture)
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
