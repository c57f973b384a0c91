using System.Reflection;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>A device registry that records which parameter subtrees are read from it (null: the whole tree).</summary>
#pragma warning disable CA1852 // DispatchProxy needs a type it can derive from.
internal class RegistryReads : DispatchProxy
#pragma warning restore CA1852
{
    private IDeviceRegistry _inner = null!;
    private List<string?> _reads = null!;

    public static IDeviceRegistry Wrap(IDeviceRegistry inner, List<string?> reads)
    {
        var proxy = Create<IDeviceRegistry, RegistryReads>();
        var recorder = (RegistryReads)(object)proxy;
        recorder._inner = inner;
        recorder._reads = reads;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IDeviceRegistry.GetParametersAsync))
        {
            lock (_reads)
            {
                if (args![1] is IReadOnlyList<string> prefixes)
                {
                    _reads.AddRange(prefixes);
                }
                else
                {
                    _reads.Add((string?)args[1]);
                }
            }
        }

        return targetMethod.Invoke(_inner, args);
    }
}
