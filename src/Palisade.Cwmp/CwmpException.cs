using Palisade.Cwmp.Faults;

namespace Palisade.Cwmp;

/// <summary>
/// The one exception the CWMP codec throws. <see cref="Reason"/> says why, and maps to the HTTP
/// status to answer with (for bodies that cannot be answered with a SOAP fault at all) or to the
/// CWMP fault code to put in a SOAP fault.
/// </summary>
public sealed class CwmpException : Exception
{
    /// <summary>
    /// Creates the exception; <paramref name="message"/> says what was wrong in words a CPE vendor can act on. It is
    /// clipped to <see cref="ClientText.MaxMessage"/> characters: messages repeat client input (element names, values,
    /// the XML parser's own text), and the message is both answered and logged.
    /// </summary>
    public CwmpException(CwmpErrorReason reason, string message, Exception? inner = null)
        : base(ClientText.Clip(message, ClientText.MaxMessage), inner)
    {
        Reason = reason;
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public CwmpException()
        : this(CwmpErrorReason.InvalidArguments, "Invalid CWMP message.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    public CwmpException(string message)
        : this(CwmpErrorReason.InvalidArguments, message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    public CwmpException(string message, Exception inner)
        : this(CwmpErrorReason.InvalidArguments, message, inner)
    {
    }

    /// <summary>Why the message was rejected.</summary>
    public CwmpErrorReason Reason { get; }

    /// <summary>
    /// The HTTP status to answer with when the body cannot be treated as a CWMP request at all
    /// (413 for size limits, 400 for unparseable input), or null when a SOAP fault is the answer.
    /// </summary>
    public int? HttpStatusCode => Reason switch
    {
        CwmpErrorReason.BodyTooLarge or CwmpErrorReason.DepthExceeded or CwmpErrorReason.TooManyElements
            or CwmpErrorReason.StringTooLong or CwmpErrorReason.ArrayTooLong => 413,
        CwmpErrorReason.DtdProhibited or CwmpErrorReason.MalformedXml or CwmpErrorReason.NotSoapEnvelope
            or CwmpErrorReason.UnsupportedNamespace => 400,
        _ => null,
    };

    /// <summary>The CWMP fault code for this reason when <paramref name="receiver"/> answers with a SOAP fault.</summary>
    public int FaultCodeFor(CwmpRole receiver) => (Reason, receiver) switch
    {
        (CwmpErrorReason.UnknownMethod, CwmpRole.Acs) => FaultCode.AcsMethodNotSupported,
        (CwmpErrorReason.UnknownMethod, CwmpRole.Cpe) => FaultCode.MethodNotSupported,
        (CwmpErrorReason.BodyTooLarge or CwmpErrorReason.DepthExceeded or CwmpErrorReason.TooManyElements
            or CwmpErrorReason.StringTooLong or CwmpErrorReason.ArrayTooLong, CwmpRole.Acs) => FaultCode.AcsResourcesExceeded,
        (CwmpErrorReason.BodyTooLarge or CwmpErrorReason.DepthExceeded or CwmpErrorReason.TooManyElements
            or CwmpErrorReason.StringTooLong or CwmpErrorReason.ArrayTooLong, CwmpRole.Cpe) => FaultCode.ResourcesExceeded,
        (CwmpErrorReason.DtdProhibited or CwmpErrorReason.MalformedXml or CwmpErrorReason.NotSoapEnvelope, CwmpRole.Acs) => FaultCode.AcsInternalError,
        (CwmpErrorReason.DtdProhibited or CwmpErrorReason.MalformedXml or CwmpErrorReason.NotSoapEnvelope, CwmpRole.Cpe) => FaultCode.InternalError,
        (_, CwmpRole.Acs) => FaultCode.AcsInvalidArguments,
        _ => FaultCode.InvalidArguments,
    };
}
