namespace Palisade.Cwmp.Structs;

/// <summary>The CPE's identity in an Inform (TR-069 A.3.3.1, DeviceIdStruct).</summary>
/// <param name="Manufacturer">The manufacturer's name.</param>
/// <param name="Oui">The manufacturer's IEEE OUI, six hex digits.</param>
/// <param name="ProductClass">The product class; may be empty.</param>
/// <param name="SerialNumber">The serial number, unique per OUI and product class.</param>
public sealed record DeviceIdStruct(string Manufacturer, string Oui, string ProductClass, string SerialNumber);
