namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// One <c>declare()</c> call: the path, how fresh each attribute must be (Unix ms; 0 for no requirement), and what to
/// set. <see cref="Phase"/> counts the <c>commit()</c> calls before it: writes of a later phase go after those of an
/// earlier one.
/// </summary>
internal sealed record Declaration(PathPattern Pattern, long PathAt, long ValueAt, long WritableAt, DeclaredValue? Value, int? PathCount, int Phase)
{
    /// <summary>True when it asks for a change, not only for data.</summary>
    public bool Writes => Value is not null || PathCount is not null;
}
