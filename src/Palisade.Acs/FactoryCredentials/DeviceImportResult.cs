namespace Palisade.Acs.FactoryCredentials;

/// <summary>What an import did.</summary>
/// <param name="Imported">Devices registered.</param>
/// <param name="Rotating">Of those, devices whose credential will be replaced in their first session.</param>
public sealed record DeviceImportResult(int Imported, int Rotating);
