using Dashboard.Domain.Access;
using Microsoft.EntityFrameworkCore;

namespace Dashboard.Infrastructure.Access;

/// <summary>EF mapping of users, API tokens and review links over migration 0002_access.sql.</summary>
internal static class AccessModel
{
    public static void MapAccess(this ModelBuilder model)
    {
        model.Entity<User>(u =>
        {
            u.ToTable("users");
            u.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            u.Property(x => x.UserName).HasColumnName("user_name");
            u.Property(x => x.DisplayName).HasColumnName("display_name");
            u.Property(x => x.PasswordHash).HasColumnName("password_hash");
            u.Property(x => x.IsAdmin).HasColumnName("is_admin");
            u.Property(x => x.CreatedAt).HasColumnName("created_at");
            u.Property(x => x.DisabledAt).HasColumnName("disabled_at");
            u.Ignore(x => x.IsDisabled);
            u.HasIndex(x => x.UserName).IsUnique();
        });

        model.Entity<ApiToken>(t =>
        {
            t.ToTable("api_tokens");
            t.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            t.Property(x => x.UserId).HasColumnName("user_id");
            t.Property(x => x.Name).HasColumnName("name");
            t.Property(x => x.TokenHash).HasColumnName("token_hash");
            t.Property(x => x.Hint).HasColumnName("hint");
            t.Property(x => x.CreatedAt).HasColumnName("created_at");
            t.Property(x => x.LastUsedAt).HasColumnName("last_used_at");
            t.Property(x => x.RevokedAt).HasColumnName("revoked_at");
            t.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<ReviewLink>(l =>
        {
            l.ToTable("review_links");
            l.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            l.Property(x => x.TokenHash).HasColumnName("token_hash");
            l.Property(x => x.Kind).HasColumnName("kind")
                .HasConversion(k => k.ToString().ToLowerInvariant(), s => Enum.Parse<ReviewTargetKind>(s, true));
            l.Property(x => x.Target).HasColumnName("target");
            l.Property(x => x.Label).HasColumnName("label");
            l.Property(x => x.CreatedBy).HasColumnName("created_by");
            l.Property(x => x.CreatedAt).HasColumnName("created_at");
            l.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            l.Property(x => x.RevokedAt).HasColumnName("revoked_at");
            l.Property(x => x.LastOpenedAt).HasColumnName("last_opened_at");
            l.Property(x => x.OpenCount).HasColumnName("open_count");
            l.Ignore(x => x.ParsedTarget);
            l.HasOne<User>().WithMany().HasForeignKey(x => x.CreatedBy).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
