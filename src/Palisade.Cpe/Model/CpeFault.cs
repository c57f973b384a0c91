using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Cpe.Model;

/// <summary>A CWMP fault the CPE answers an RPC with.</summary>
public sealed class CpeFaultException : Exception
{
    public CpeFaultException(int code, string message, IReadOnlyList<SetParameterValuesFault>? details = null)
        : base(message)
    {
        Fault = new CwmpFault(code, message, [.. details ?? []]);
    }

    public CpeFaultException()
        : this(9002, "Internal error")
    {
    }

    public CpeFaultException(string message)
        : this(9002, message)
    {
    }

    public CpeFaultException(string message, Exception inner)
        : base(message, inner)
    {
        Fault = new CwmpFault(9002, message, []);
    }

    public CwmpFault Fault { get; }
}
