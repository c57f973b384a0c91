namespace Palisade.Cwmp;

/// <summary>Why a CWMP message was rejected. Each reason maps to exactly one fault code per receiving side, or one HTTP status.</summary>
public enum CwmpErrorReason
{
    /// <summary>The body is larger than <see cref="CwmpLimits.MaxBodyBytes"/>.</summary>
    BodyTooLarge,

    /// <summary>The body declares a DTD; DTDs are never processed (no entity expansion, no external fetch).</summary>
    DtdProhibited,

    /// <summary>The body is not well-formed XML or not decodable text (invalid UTF-8, unterminated, …).</summary>
    MalformedXml,

    /// <summary>The XML is well-formed but is not a SOAP 1.1 envelope with a body.</summary>
    NotSoapEnvelope,

    /// <summary>No CWMP namespace could be found, or an unknown one was used.</summary>
    UnsupportedNamespace,

    /// <summary>Elements nest deeper than <see cref="CwmpLimits.MaxDepth"/>.</summary>
    DepthExceeded,

    /// <summary>More elements than <see cref="CwmpLimits.MaxElements"/>.</summary>
    TooManyElements,

    /// <summary>A text or attribute value is longer than <see cref="CwmpLimits.MaxStringLength"/>.</summary>
    StringTooLong,

    /// <summary>An array has more items than <see cref="CwmpLimits.MaxArrayLength"/>.</summary>
    ArrayTooLong,

    /// <summary>The body names a method this library does not know.</summary>
    UnknownMethod,

    /// <summary>A required element is missing, repeated, or a value does not fit its declared type.</summary>
    InvalidArguments,
}
