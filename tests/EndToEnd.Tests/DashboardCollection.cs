namespace Dashboard.EndToEnd.Tests;

/// <summary>Every end-to-end test class joins this collection: they share one started dashboard and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard";
}
