namespace Palisade.Cwmp.Faults;

/// <summary>
/// The CWMP fault codes of TR-069 Amendment 6, Table A.5 (ACS faults 8000–8899) and
/// Table A.5 / A.6 (CPE faults 9000–9899), with the meaning the standard gives each.
/// </summary>
public static class FaultCode
{
    // ACS fault codes (TR-069 A.5.1): returned by the ACS to a CPE-issued request.
    public const int AcsMethodNotSupported = 8000;
    public const int AcsRequestDenied = 8001;
    public const int AcsInternalError = 8002;
    public const int AcsInvalidArguments = 8003;
    public const int AcsResourcesExceeded = 8004;
    public const int AcsRetryRequest = 8005;
    public const int AcsVersionIncompatible = 8006;

    // CPE fault codes (TR-069 A.5.2): returned by the CPE to an ACS-issued request.
    public const int MethodNotSupported = 9000;
    public const int RequestDenied = 9001;
    public const int InternalError = 9002;
    public const int InvalidArguments = 9003;
    public const int ResourcesExceeded = 9004;
    public const int InvalidParameterName = 9005;
    public const int InvalidParameterType = 9006;
    public const int InvalidParameterValue = 9007;
    public const int NonWritableParameter = 9008;
    public const int NotificationRequestRejected = 9009;
    public const int DownloadFailure = 9010;
    public const int UploadFailure = 9011;
    public const int FileTransferServerAuthenticationFailure = 9012;
    public const int UnsupportedTransferProtocol = 9013;
    public const int DownloadMulticastJoinFailure = 9014;
    public const int DownloadCannotContactFileServer = 9015;
    public const int DownloadCannotAccessFile = 9016;
    public const int DownloadIncomplete = 9017;
    public const int DownloadFileCorrupted = 9018;
    public const int DownloadFileAuthenticationFailure = 9019;
    public const int DownloadTimeWindowExceeded = 9020;
    public const int CancelTransferNotPermitted = 9021;
    public const int InvalidUuidFormat = 9022;
    public const int UnknownExecutionEnvironment = 9023;
    public const int DisabledExecutionEnvironment = 9024;
    public const int DeploymentUnitEnvironmentMismatch = 9025;
    public const int DuplicateDeploymentUnit = 9026;
    public const int SystemResourcesExceeded = 9027;
    public const int UnknownDeploymentUnit = 9028;
    public const int InvalidDeploymentUnitState = 9029;
    public const int DeploymentUnitDowngradeNotPermitted = 9030;
    public const int DeploymentUnitVersionNotSpecified = 9031;
    public const int DeploymentUnitVersionExists = 9032;

    /// <summary>True for codes the standard reserves for vendors (8800–8899, 9800–9899).</summary>
    public static bool IsVendorSpecific(int code) => code is >= 8800 and <= 8899 or >= 9800 and <= 9899;

    /// <summary>True for any code in the two CWMP fault ranges.</summary>
    public static bool IsValid(int code) => code is >= 8000 and <= 8899 or >= 9000 and <= 9899;

    /// <summary>The standard's fault string for <paramref name="code"/>, or a generic one for vendor and unassigned codes.</summary>
    public static string Describe(int code) => code switch
    {
        AcsMethodNotSupported => "Method not supported",
        AcsRequestDenied => "Request denied (no reason specified)",
        AcsInternalError => "Internal error",
        AcsInvalidArguments => "Invalid arguments",
        AcsResourcesExceeded => "Resources exceeded",
        AcsRetryRequest => "Retry request",
        AcsVersionIncompatible => "ACS version incompatible",
        MethodNotSupported => "Method not supported",
        RequestDenied => "Request denied (no reason specified)",
        InternalError => "Internal error",
        InvalidArguments => "Invalid arguments",
        ResourcesExceeded => "Resources exceeded",
        InvalidParameterName => "Invalid parameter name",
        InvalidParameterType => "Invalid parameter type",
        InvalidParameterValue => "Invalid parameter value",
        NonWritableParameter => "Attempt to set a non-writable parameter",
        NotificationRequestRejected => "Notification request rejected",
        DownloadFailure => "Download failure",
        UploadFailure => "Upload failure",
        FileTransferServerAuthenticationFailure => "File transfer server authentication failure",
        UnsupportedTransferProtocol => "Unsupported protocol for file transfer",
        DownloadMulticastJoinFailure => "Download failure: unable to join multicast group",
        DownloadCannotContactFileServer => "Download failure: unable to contact file server",
        DownloadCannotAccessFile => "Download failure: unable to access file",
        DownloadIncomplete => "Download failure: unable to complete download",
        DownloadFileCorrupted => "Download failure: file corrupted or otherwise unusable",
        DownloadFileAuthenticationFailure => "Download failure: file authentication failure",
        DownloadTimeWindowExceeded => "Download failure: unable to complete download within specified time windows",
        CancelTransferNotPermitted => "Cancelation of file transfer not permitted in current transfer state",
        InvalidUuidFormat => "Invalid UUID format",
        UnknownExecutionEnvironment => "Unknown Execution Environment",
        DisabledExecutionEnvironment => "Disabled Execution Environment",
        DeploymentUnitEnvironmentMismatch => "Deployment Unit to Execution Environment mismatch",
        DuplicateDeploymentUnit => "Duplicate Deployment Unit",
        SystemResourcesExceeded => "System resources exceeded",
        UnknownDeploymentUnit => "Unknown Deployment Unit",
        InvalidDeploymentUnitState => "Invalid Deployment Unit state",
        DeploymentUnitDowngradeNotPermitted => "Invalid Deployment Unit Update - Downgrade not permitted",
        DeploymentUnitVersionNotSpecified => "Invalid Deployment Unit Update - Version not specified",
        DeploymentUnitVersionExists => "Invalid Deployment Unit Update - Version already exists",
        _ when IsVendorSpecific(code) => "Vendor-specific fault",
        _ => "Unknown fault",
    };
}
