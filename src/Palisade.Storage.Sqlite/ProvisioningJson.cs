using System.Text.Json.Serialization;

namespace Palisade.Storage.Sqlite;

/// <summary>The JSON a provisioning row holds (a fault's provisions).</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class ProvisioningJson : JsonSerializerContext
{
}
