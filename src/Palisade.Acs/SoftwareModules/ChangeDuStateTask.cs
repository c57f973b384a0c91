using System.Text.Json;
using Palisade.Acs.Tasks;
using Palisade.Cwmp;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Acs.SoftwareModules;

/// <summary>
/// Install, update or uninstall deployment units (TR-069 A.4.1.10, TR-157 software modules). Done with state
/// "pending" once the CPE took it; its DUStateChangeComplete closes it with the result of every operation, and the
/// device's <c>SoftwareModules.</c> subtree is read into the cache in that session (<see cref="SoftwareModulesStep"/>).
/// </summary>
/// <param name="Operations">Install, update and uninstall operations, 1–16.</param>
public sealed record ChangeDuStateTask(IReadOnlyList<DeploymentUnitOperation> Operations) : TaskDefinition
{
    /// <summary>The most operations one task may carry.</summary>
    public const int MaxOperations = 16;

    /// <inheritdoc />
    public override string Name => "changeDUState";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new ChangeDUStateRequest(new EquatableList<DeploymentUnitOperation>(Operations), commandKey);

    /// <inheritdoc />
    internal override void WriteFields(Utf8JsonWriter w)
    {
        w.WriteStartArray("operations");
        foreach (var operation in Operations)
        {
            w.WriteStartObject();
            switch (operation)
            {
                case InstallOperation i:
                    w.WriteString("op", "install");
                    w.WriteString("url", i.Url);
                    w.WriteString("uuid", i.Uuid);
                    w.WriteString("executionEnvRef", i.ExecutionEnvRef);
                    break;
                case UpdateOperation u:
                    w.WriteString("op", "update");
                    w.WriteString("uuid", u.Uuid);
                    w.WriteString("version", u.Version);
                    w.WriteString("url", u.Url);
                    break;
                case UninstallOperation x:
                    w.WriteString("op", "uninstall");
                    w.WriteString("uuid", x.Uuid);
                    w.WriteString("version", x.Version);
                    w.WriteString("executionEnvRef", x.ExecutionEnvRef);
                    break;
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
