using System.Text.Json.Serialization;

namespace Palisade.Storage.Sqlite;

/// <summary>JSON lists of text: what a provisioning row holds (a fault's provisions), and the lists a query reads with json_each.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class ProvisioningJson : JsonSerializerContext
{
}
