using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PestWorkflows.Host.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CaseListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_SchoolId",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_AssigneeUserId",
                table: "tasks",
                column: "AssigneeUserId");

            migrationBuilder.CreateIndex(
                name: "IX_tasks_CompletedByUserId",
                table: "tasks",
                column: "CompletedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_cases_SchoolId_ReportedAt",
                table: "cases",
                columns: new[] { "SchoolId", "ReportedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tasks_AssigneeUserId",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "IX_tasks_CompletedByUserId",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "IX_cases_SchoolId_ReportedAt",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "IX_cases_SchoolId",
                table: "cases",
                column: "SchoolId");
        }
    }
}
