using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// Forgot password: a link by email that sets a new password, valid once for <see cref="Lifetime"/>.
/// Whoever asks gets the same answer whether or not the address has an account.
/// </summary>
public sealed class PasswordResets(AppDbContext db, UserManager<StaffUser> users, EmailOutbox emails, Audit.AuditTrail audit, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    public const string Path = "/wachtwoord-herstellen";

    /// <summary>Emails a link to the account with this address, if there is one; <paramref name="baseUrl"/> is where the host is reached.</summary>
    public async Task RequestAsync(string email, string baseUrl, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(email.Trim());
        if (user?.Email is null) return;
        var secret = RandomNumberGenerator.GetHexString(64, lowercase: true);
        var now = clock.GetUtcNow();
        var link = $"{baseUrl.TrimEnd('/')}{Path}?token={secret}";
        var name = string.IsNullOrWhiteSpace(user.DisplayName) ? "collega" : user.DisplayName;

        // The link and its email commit together: no email for a link that was not stored, and the other way round.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.PasswordResets.Add(new PasswordReset
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            UserId = user.Id,
            TokenHash = Hash(secret),
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        });
        await db.SaveChangesAsync(ct);
        await emails.EnqueueAsync(db, new OutgoingEmail(
            user.Email,
            "Nieuw wachtwoord instellen voor PestWorkflows",
            $"Beste {name},\n\nJe hebt gevraagd om een nieuw wachtwoord voor PestWorkflows. Stel het in via deze link:\n\n{link}\n\n" +
            $"De link werkt één keer en is {Lifetime.TotalMinutes:0} minuten geldig. Heb je dit niet zelf gevraagd? Dan kun je deze e-mail negeren; je wachtwoord blijft hetzelfde.\n",
            $"<p>Beste {WebUtility.HtmlEncode(name)},</p><p>Je hebt gevraagd om een nieuw wachtwoord voor PestWorkflows.</p>" +
            $"<p><a href=\"{WebUtility.HtmlEncode(link)}\">Stel een nieuw wachtwoord in</a></p>" +
            $"<p>De link werkt één keer en is {Lifetime.TotalMinutes:0} minuten geldig. Heb je dit niet zelf gevraagd? Dan kun je deze e-mail negeren; je wachtwoord blijft hetzelfde.</p>",
            EmailRecipientKind.Staff,
            "PasswordReset") { ToName = user.DisplayName, SchoolId = user.SchoolId }, ct);
        await transaction.CommitAsync(ct);
        emails.Wake();
    }

    /// <summary>Whether the link can still be used (for the page that asks for the new password).</summary>
    public async Task<bool> IsValidAsync(string? secret, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret)) return false;
        var hash = Hash(secret);
        var now = clock.GetUtcNow();
        return await db.PasswordResets.AnyAsync(r => r.TokenHash == hash && r.UsedAt == null && r.ExpiresAt > now, ct);
    }

    public async Task<PasswordResetResult> ResetAsync(string? secret, string newPassword, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(secret)) return PasswordResetResult.InvalidLink;
        var hash = Hash(secret);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Used up here, conditionally: of two requests with one link, one wins.
        var claimed = await db.PasswordResets.Where(r => r.TokenHash == hash && r.UsedAt == null && r.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.UsedAt, now), ct);
        if (claimed != 1) return PasswordResetResult.InvalidLink;
        var userId = await db.PasswordResets.Where(r => r.TokenHash == hash).Select(r => r.UserId).SingleAsync(ct);
        if (await users.FindByIdAsync(userId) is not { } user) return PasswordResetResult.InvalidLink;

        var changed = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), newPassword);
        if (!changed.Succeeded)
        {
            await transaction.RollbackAsync(ct);
            return PasswordResetResult.WeakPassword;
        }
        // Every other link of the account ends with this one.
        await db.PasswordResets.Where(r => r.UserId == user.Id && r.UsedAt == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.UsedAt, now), ct);
        audit.Add(db, user.Id, user.SchoolId, Audit.AuditActions.PasswordReset, Audit.AuditResource.Account(user.Id));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return PasswordResetResult.Changed;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
