namespace Palisade.Storage.Postgres.Tests;

/// <summary>The paths a node remembers as interned: a commit sends no statement to intern them again.</summary>
public sealed class InternedPathsTests
{
    [Fact]
    public void Only_paths_remembered_are_known_and_all_of_a_commits_paths_must_be()
    {
        var interned = new InternedPaths();
        Assert.False(interned.ContainsAll(["Device.A"]));
        Assert.True(interned.ContainsAll([]));

        interned.Remember(["Device.A", "Device.B"]);

        Assert.True(interned.ContainsAll(["Device.B", "Device.A"]));
        Assert.False(interned.ContainsAll(["Device.A", "Device.C"]));
        Assert.False(interned.ContainsAll(["device.a"]));
    }

    [Fact]
    public void Past_its_capacity_nothing_more_is_remembered()
    {
        var interned = new InternedPaths();
        interned.Remember(Enumerable.Range(0, InternedPaths.Capacity).Select(i => "Device.P" + i).ToArray());

        interned.Remember(["Device.Late"]);

        Assert.Equal(InternedPaths.Capacity, interned.Count);
        Assert.False(interned.ContainsAll(["Device.Late"]));
        Assert.True(interned.ContainsAll(["Device.P0"]));
    }
}
