using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.Devices;
using Palisade.Acs.Faults;
using Palisade.Acs.Posture;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Tasks;

namespace Palisade.Server.Api;

/// <summary>The services the endpoints call; every rule lives in them, none in the endpoints.</summary>
internal sealed record ApiServices(
    DeviceService Devices,
    TaskService Tasks,
    FaultService Faults,
    AccessService Access,
    SignInService SignIn,
    AuditService Audit,
    RefusalAudit Refusals,
    PostureService Posture,
    ProvisioningService Provisioning,
    Acs.FactoryCredentials.DeviceImportService Import,
    Acs.Files.FileService? Files = null,
    Acs.Campaigns.CampaignService? Campaigns = null);
