using Dashboard.Domain.Access;

namespace Dashboard.Infrastructure.Access;

/// <summary>A review link with the display name of the member who made it.</summary>
public sealed record ReviewLinkListing(ReviewLink Link, string MadeBy);
