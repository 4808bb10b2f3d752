using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PestWorkflows.Engine.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OpenTimersIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_bookmarks_DueAt_ClosedAt",
                table: "bookmarks");

            migrationBuilder.CreateIndex(
                name: "IX_bookmarks_DueAt",
                table: "bookmarks",
                column: "DueAt",
                filter: "\"ClosedAt\" IS NULL AND \"DueAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_bookmarks_DueAt",
                table: "bookmarks");

            migrationBuilder.CreateIndex(
                name: "IX_bookmarks_DueAt_ClosedAt",
                table: "bookmarks",
                columns: new[] { "DueAt", "ClosedAt" });
        }
    }
}
