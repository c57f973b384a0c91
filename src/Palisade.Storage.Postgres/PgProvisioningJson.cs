using System.Text.Json.Serialization;

namespace Palisade.Storage.Postgres;

/// <summary>The JSON a provisioning row holds (a fault's provisions), as in the embedded store.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class PgProvisioningJson : JsonSerializerContext
{
}
