using Jint;
using Jint.Constraints;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;

namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>
/// An engine kept by one thread for many runs. It is built once with the sandbox's options and hardening, then every
/// object a script can reach without creating it is frozen (the built-ins, their prototypes and functions, the hidden
/// intrinsics such as the generator and iterator prototypes), and the global object's surface is captured. After
/// each run the global object is put back as captured (<c>RestoreGlobalSnapshot</c>: added globals removed, replaced
/// ones restored, queued jobs dropped, RegExp statics cleared) and the call stack cleared. So a run can leave nothing
/// for the next: what it could change is either frozen or restored. A run that changes a built-in gets a TypeError
/// here; <see cref="ScriptSandbox"/> runs such a script again in a fresh engine of its own.
/// </summary>
internal sealed class PooledEngine
{
    /// <summary>Runs after which an engine is replaced anyway (bounds whatever an engine might accumulate unseen).</summary>
    public const int MaxRuns = 10_000;

    // The intrinsics a script reaches through syntax alone, not through a global's properties.
    private static readonly Prepared<Acornima.Ast.Script> Hidden = Engine.PrepareScript("""
        (function () {
          const found = [];
          const reach = [
            () => Object.getPrototypeOf(function* () {}),
            () => Object.getPrototypeOf(async function () {}),
            () => Object.getPrototypeOf(async function* () {}),
            () => Object.getPrototypeOf((function* () {})()),
            () => Object.getPrototypeOf((async function* () {})()),
            () => Object.getPrototypeOf([][Symbol.iterator]()),
            () => Object.getPrototypeOf(new Map()[Symbol.iterator]()),
            () => Object.getPrototypeOf(new Set()[Symbol.iterator]()),
            () => Object.getPrototypeOf(''[Symbol.iterator]()),
            () => Object.getPrototypeOf(/a/[Symbol.matchAll]('')),
            () => Object.getPrototypeOf([].values().map((x) => x)),
            () => Object.getPrototypeOf(Iterator.from({ next() { return { done: true }; } })),
            function () { return Object.getOwnPropertyDescriptor(arguments, 'callee').get; },
          ];
          for (const f of reach) {
            try { found.push(f()); } catch (e) { }
          }
          return found;
        })()
        """, source: "intrinsics", strict: true);

    private readonly GlobalSnapshot _snapshot;
    private readonly OperationDeadlineConstraint _deadline;

    public PooledEngine(ScriptLimits limits, SandboxContext context)
    {
        _deadline = new OperationDeadlineConstraint();
        Time = new SessionTimeSystem(context.Now);
        State = new SandboxState(context);
        Engine = new Engine(options =>
        {
            options.Strict = true;
            options.Interop.Enabled = false;
            options.DisableStringCompilation();
            options.MaxStatements(limits.MaxStatements);
            options.Constraint(_deadline);
            options.LimitMemory(limits.MaxMemoryBytes);
            options.LimitRecursion(limits.MaxRecursionDepth);
            options.Constraints.StackOverflowGuard = true;
            options.Constraints.MaxArraySize = limits.MaxArraySize;
            options.Constraints.RegexTimeout = limits.RegexTimeout;
            options.TimeSystem = Time;
        });
        SandboxHardening.Apply(Engine, limits, State);
        Frozen = FreezeIntrinsics(Engine);
        _snapshot = Engine.Advanced.CaptureGlobalSnapshot();
    }

    public Engine Engine { get; }

    public SandboxState State { get; }

    public SessionTimeSystem Time { get; }

    /// <summary>How many objects the engine froze.</summary>
    public int Frozen { get; }

    public int Runs { get; private set; }

    /// <summary>Points the engine at a run: its device, clock and cancellation, and the run's wall-clock bound.</summary>
    public void Begin(SandboxContext context, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Runs++;
        State.Begin(context);
        Time.Now = context.Now;
        _deadline.Begin(timeout, cancellationToken);
    }

    // Freezes every object reachable from the global object and from the hidden intrinsics (their properties' values,
    // getters and setters, their prototypes), except the global object itself, restored after each run instead.
    private static int FreezeIntrinsics(Engine engine)
    {
        var freeze = engine.Intrinsics.Object.Get("freeze");
        var seen = new HashSet<ObjectInstance>(ReferenceEqualityComparer.Instance);
        var todo = new Stack<JsValue>();
        todo.Push(engine.Global);
        if (engine.Evaluate(Hidden) is ObjectInstance hidden)
        {
            var length = (uint)TypeConverter.ToNumber(hidden.Get("length"));
            for (uint i = 0; i < length; i++)
            {
                todo.Push(hidden.Get(i));
            }
        }

        while (todo.Count > 0)
        {
            if (todo.Pop() is not ObjectInstance o || !seen.Add(o))
            {
                continue;
            }

            foreach (var key in o.GetOwnPropertyKeys(Types.String | Types.Symbol))
            {
                var d = o.GetOwnProperty(key);
                if (d == PropertyDescriptor.Undefined)
                {
                    continue;
                }

                if (d.IsAccessorDescriptor())
                {
                    todo.Push(d.Get ?? JsValue.Undefined);
                    todo.Push(d.Set ?? JsValue.Undefined);
                }
                else
                {
                    todo.Push(d.Value ?? JsValue.Undefined);
                }
            }

            todo.Push(o.Prototype ?? (JsValue)JsValue.Null);
            if (!ReferenceEquals(o, engine.Global))
            {
                engine.Invoke(freeze, engine.Intrinsics.Object, [o]);
            }
        }

        return seen.Count;
    }

    /// <summary>Puts the global object back as captured and clears what an interrupted run left on the stack.</summary>
    public void End()
    {
        _deadline.End();
        Engine.Advanced.ResetCallStack();
        Engine.Advanced.RestoreGlobalSnapshot(_snapshot);
    }
}
