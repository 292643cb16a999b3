"""initial schema: accounts, catalogue, capacity, equipment

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 05:37:11.825981

"""
from alembic import op
import sqlalchemy as sa

import marketplace.db_types


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('clusters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('center_lat', sa.Double(), nullable=True),
    sa.Column('center_lon', sa.Double(), nullable=True),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clusters')),
    sa.UniqueConstraint('slug', name=op.f('uq_clusters_slug'))
    )
    op.create_table('materials',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('density_g_cm3', sa.Float(), nullable=False),
    sa.Column('price_fen_per_kg', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_materials'))
    )
    op.create_table('processes',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('unit_of_work', sa.String(length=32), nullable=False),
    sa.Column('cost_drivers', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_processes'))
    )
    op.create_table('firms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('is_buyer', sa.Boolean(), nullable=False),
    sa.Column('is_factory', sa.Boolean(), nullable=False),
    sa.Column('is_lessor', sa.Boolean(), nullable=False),
    sa.Column('is_operator', sa.Boolean(), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_firms_cluster_id_clusters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firms')),
    sa.UniqueConstraint('cluster_id', 'name', name=op.f('uq_firms_cluster_id_name'))
    )
    with op.batch_alter_table('firms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_firms_cluster_id'), ['cluster_id'], unique=False)

    op.create_table('factories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('certifications', sa.JSON(), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('latitude >= -90 AND latitude <= 90', name=op.f('ck_factories_latitude_range')),
    sa.CheckConstraint('longitude >= -180 AND longitude <= 180', name=op.f('ck_factories_longitude_range')),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_factories_cluster_id_clusters')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_factories_firm_id_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_factories')),
    sa.UniqueConstraint('firm_id', 'name', name=op.f('uq_factories_firm_id_name'))
    )
    with op.batch_alter_table('factories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factories_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_factories_firm_id'), ['firm_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("role in ('owner', 'staff')", name=op.f('ck_users_role_known')),
    sa.ForeignKeyConstraint(['firm_id'], ['firms.id'], name=op.f('fk_users_firm_id_firms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_firm_id'), ['firm_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', marketplace.db_types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('equipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_firm_id', sa.Integer(), nullable=False),
    sa.Column('cluster_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('process_code', sa.String(length=32), nullable=False),
    sa.Column('site_factory_id', sa.Integer(), nullable=True),
    sa.Column('delivered_to_lessee', sa.Boolean(), nullable=False),
    sa.Column('envelope_x_mm', sa.Float(), nullable=False),
    sa.Column('envelope_y_mm', sa.Float(), nullable=False),
    sa.Column('envelope_z_mm', sa.Float(), nullable=False),
    sa.Column('best_tolerance_mm', sa.Float(), nullable=False),
    sa.Column('daily_rate_fen', sa.Integer(), nullable=False),
    sa.Column('deposit_fen', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False),
    sa.Column('min_days', sa.Integer(), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('best_tolerance_mm > 0', name=op.f('ck_equipment_tolerance_positive')),
    sa.CheckConstraint('daily_rate_fen > 0', name=op.f('ck_equipment_rate_positive')),
    sa.CheckConstraint('deposit_fen >= 0', name=op.f('ck_equipment_deposit_nonnegative')),
    sa.CheckConstraint('envelope_x_mm > 0 AND envelope_y_mm > 0 AND envelope_z_mm > 0', name=op.f('ck_equipment_envelope_positive')),
    sa.CheckConstraint('min_days >= 1', name=op.f('ck_equipment_min_days_positive')),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_equipment_cluster_id_clusters')),
    sa.ForeignKeyConstraint(['owner_firm_id'], ['firms.id'], name=op.f('fk_equipment_owner_firm_id_firms')),
    sa.ForeignKeyConstraint(['process_code'], ['processes.code'], name=op.f('fk_equipment_process_code_processes')),
    sa.ForeignKeyConstraint(['site_factory_id'], ['factories.id'], name=op.f('fk_equipment_site_factory_id_factories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment')),
    sa.UniqueConstraint('owner_firm_id', 'name', name=op.f('uq_equipment_owner_firm_id_name'))
    )
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_owner_firm_id'), ['owner_firm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_equipment_process_code'), ['process_code'], unique=False)

    op.create_table('machines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('factory_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('process_code', sa.String(length=32), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('envelope_x_mm', sa.Float(), nullable=False),
    sa.Column('envelope_y_mm', sa.Float(), nullable=False),
    sa.Column('envelope_z_mm', sa.Float(), nullable=False),
    sa.Column('best_tolerance_mm', sa.Float(), nullable=False),
    sa.Column('hourly_rate_fen', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='CNY', nullable=False),
    sa.Column('setup_minutes', sa.Integer(), nullable=False),
    sa.Column('speed_factor', sa.Float(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('best_tolerance_mm > 0', name=op.f('ck_machines_tolerance_positive')),
    sa.CheckConstraint('envelope_x_mm > 0 AND envelope_y_mm > 0 AND envelope_z_mm > 0', name=op.f('ck_machines_envelope_positive')),
    sa.CheckConstraint('hourly_rate_fen > 0', name=op.f('ck_machines_rate_positive')),
    sa.CheckConstraint('setup_minutes >= 0', name=op.f('ck_machines_setup_nonnegative')),
    sa.CheckConstraint('speed_factor > 0', name=op.f('ck_machines_speed_positive')),
    sa.CheckConstraint('units >= 1', name=op.f('ck_machines_units_positive')),
    sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_machines_factory_id_factories')),
    sa.ForeignKeyConstraint(['process_code'], ['processes.code'], name=op.f('fk_machines_process_code_processes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_machines')),
    sa.UniqueConstraint('factory_id', 'name', name=op.f('uq_machines_factory_id_name'))
    )
    with op.batch_alter_table('machines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_machines_factory_id'), ['factory_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_machines_process_code'), ['process_code'], unique=False)

    op.create_table('calendar_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('starts_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', marketplace.db_types.UTCDateTime(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind in ('open', 'blackout')", name=op.f('ck_calendar_exceptions_kind_known')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_calendar_exceptions_ends_after_start')),
    sa.ForeignKeyConstraint(['machine_id'], ['machines.id'], name=op.f('fk_calendar_exceptions_machine_id_machines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_exceptions'))
    )
    with op.batch_alter_table('calendar_exceptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_exceptions_machine_id'), ['machine_id'], unique=False)

    op.create_table('equipment_availability',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('equipment_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_equipment_availability_end_after_start')),
    sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'], name=op.f('fk_equipment_availability_equipment_id_equipment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equipment_availability'))
    )
    with op.batch_alter_table('equipment_availability', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equipment_availability_equipment_id'), ['equipment_id'], unique=False)

    op.create_table('instalment_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('equipment_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('annual_rate_bp', sa.Integer(), nullable=False),
    sa.CheckConstraint('annual_rate_bp >= 0 AND annual_rate_bp <= 3600', name=op.f('ck_instalment_plans_rate_range')),
    sa.CheckConstraint('months >= 2 AND months <= 60', name=op.f('ck_instalment_plans_months_range')),
    sa.ForeignKeyConstraint(['equipment_id'], ['equipment.id'], name=op.f('fk_instalment_plans_equipment_id_equipment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instalment_plans')),
    sa.UniqueConstraint('equipment_id', 'months', name=op.f('uq_instalment_plans_equipment_id_months'))
    )
    with op.batch_alter_table('instalment_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instalment_plans_equipment_id'), ['equipment_id'], unique=False)

    op.create_table('machine_materials',
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('material_code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machines.id'], name=op.f('fk_machine_materials_machine_id_machines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['material_code'], ['materials.code'], name=op.f('fk_machine_materials_material_code_materials')),
    sa.PrimaryKeyConstraint('machine_id', 'material_code', name=op.f('pk_machine_materials'))
    )
    op.create_table('weekly_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('end_minute', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_minute >= 0 AND end_minute <= 1440', name=op.f('ck_weekly_windows_end_range')),
    sa.CheckConstraint('start_minute <> end_minute', name=op.f('ck_weekly_windows_not_empty')),
    sa.CheckConstraint('start_minute >= 0 AND start_minute < 1440', name=op.f('ck_weekly_windows_start_range')),
    sa.CheckConstraint('weekday >= 0 AND weekday <= 6', name=op.f('ck_weekly_windows_weekday_range')),
    sa.ForeignKeyConstraint(['machine_id'], ['machines.id'], name=op.f('fk_weekly_windows_machine_id_machines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_windows'))
    )
    with op.batch_alter_table('weekly_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weekly_windows_machine_id'), ['machine_id'], unique=False)




def downgrade():

    with op.batch_alter_table('weekly_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weekly_windows_machine_id'))

    op.drop_table('weekly_windows')
    op.drop_table('machine_materials')
    with op.batch_alter_table('instalment_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instalment_plans_equipment_id'))

    op.drop_table('instalment_plans')
    with op.batch_alter_table('equipment_availability', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_availability_equipment_id'))

    op.drop_table('equipment_availability')
    with op.batch_alter_table('calendar_exceptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_exceptions_machine_id'))

    op.drop_table('calendar_exceptions')
    with op.batch_alter_table('machines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_machines_process_code'))
        batch_op.drop_index(batch_op.f('ix_machines_factory_id'))

    op.drop_table('machines')
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equipment_process_code'))
        batch_op.drop_index(batch_op.f('ix_equipment_owner_firm_id'))
        batch_op.drop_index(batch_op.f('ix_equipment_cluster_id'))

    op.drop_table('equipment')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_firm_id'))

    op.drop_table('users')
    with op.batch_alter_table('factories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_factories_firm_id'))
        batch_op.drop_index(batch_op.f('ix_factories_cluster_id'))

    op.drop_table('factories')
    with op.batch_alter_table('firms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_firms_cluster_id'))

    op.drop_table('firms')
    op.drop_table('processes')
    op.drop_table('materials')
    op.drop_table('clusters')

