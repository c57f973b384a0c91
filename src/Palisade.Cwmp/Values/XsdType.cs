namespace Palisade.Cwmp.Values;

/// <summary>The value types of TR-069 A.2.1 (Table 4); anything else is a vendor type kept as text.</summary>
public enum XsdType
{
    /// <summary><c>xsd:string</c>, also used when a CPE omits <c>xsi:type</c>.</summary>
    String,

    /// <summary><c>xsd:int</c>, 32-bit signed.</summary>
    Int,

    /// <summary><c>xsd:unsignedInt</c>, 32-bit unsigned.</summary>
    UnsignedInt,

    /// <summary><c>xsd:long</c>, 64-bit signed.</summary>
    Long,

    /// <summary><c>xsd:unsignedLong</c>, 64-bit unsigned.</summary>
    UnsignedLong,

    /// <summary><c>xsd:boolean</c>: 0, 1, true, false.</summary>
    Boolean,

    /// <summary><c>xsd:dateTime</c>, with or without a zone; 0001-01-01T00:00:00Z is "unknown".</summary>
    DateTime,

    /// <summary><c>xsd:base64Binary</c>.</summary>
    Base64,

    /// <summary><c>xsd:hexBinary</c>.</summary>
    HexBinary,

    /// <summary>A type this library does not interpret (vendor or data-model specific); the text is kept as sent.</summary>
    Other,
}
