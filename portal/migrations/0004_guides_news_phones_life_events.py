# Service guides, life events, news and the phone page.

import django.db.models.deletion
import django.utils.timezone
import modelcluster.fields
import modelsearch.index
import portal.models.base
import wagtail.contrib.routable_page.models
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('gov_services', '0002_catalogue_requests_calendar'),
        ('portal', '0003_site_name_for_oscar_and_auth_views'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.CreateModel(
            name='GuideIndexPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('intro', models.CharField(blank=True, max_length=250, verbose_name='introduction')),
            ],
            options={
                'verbose_name': 'guide index',
            },
            bases=(portal.models.base.CachedPageMixin, wagtail.contrib.routable_page.models.RoutablePageMixin, 'wagtailcore.page'),
        ),
        migrations.CreateModel(
            name='LifeEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=30, verbose_name='name')),
                ('slug', models.SlugField(help_text='Latin letters for the address, e.g. baby, house, business', max_length=40, unique=True, verbose_name='slug')),
                ('icon', models.CharField(blank=True, help_text='One Chinese character shown in the tile, e.g. 婴', max_length=2, verbose_name='icon character')),
                ('intro', models.CharField(blank=True, max_length=200, verbose_name='introduction')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'life event',
                'verbose_name_plural': 'life events',
                'ordering': ['sort_order', 'pk'],
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name='NewsIndexPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('intro', models.CharField(blank=True, max_length=250, verbose_name='introduction')),
            ],
            options={
                'verbose_name': 'news index',
            },
            bases=(portal.models.base.CachedPageMixin, 'wagtailcore.page'),
        ),
        migrations.CreateModel(
            name='NewsPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('date', models.DateField(default=django.utils.timezone.localdate, verbose_name='date')),
                ('category', models.CharField(choices=[('policy', 'Policy'), ('work', 'Work update'), ('notice', 'Notice')], default='work', max_length=10, verbose_name='category')),
                ('summary', models.CharField(blank=True, help_text='Shown in lists and as the page description.', max_length=250, verbose_name='summary')),
                ('body', wagtail.fields.StreamField([('heading', 0), ('paragraph', 1), ('quote', 2)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'form_classname': 'title', 'label': 'sub-heading', 'max_length': 80, 'template': 'portal/blocks/heading.html'}), 1: ('wagtail.blocks.RichTextBlock', (), {'features': ['h3', 'bold', 'italic', 'ol', 'ul', 'link', 'document-link'], 'label': 'paragraph'}), 2: ('wagtail.blocks.BlockQuoteBlock', (), {'label': 'quote'})}, verbose_name='body')),
            ],
            options={
                'verbose_name': 'news article',
                'verbose_name_plural': 'news articles',
            },
            bases=(portal.models.base.CachedPageMixin, 'wagtailcore.page'),
        ),
        migrations.CreateModel(
            name='PhoneDirectoryPage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('intro', models.CharField(blank=True, max_length=250, verbose_name='introduction')),
                ('groups', wagtail.fields.StreamField([('group', 7)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': 'heading', 'max_length': 60}), 1: ('wagtail.blocks.CharBlock', (), {'label': 'service', 'max_length': 80}), 2: ('wagtail.blocks.CharBlock', (), {'label': 'phone number', 'max_length': 30}), 3: ('wagtail.blocks.CharBlock', (), {'label': 'hours', 'max_length': 80, 'required': False}), 4: ('wagtail.blocks.CharBlock', (), {'label': 'note', 'max_length': 200, 'required': False}), 5: ('wagtail.blocks.StructBlock', [[('name', 1), ('number', 2), ('hours', 3), ('note', 4)]], {}), 6: ('wagtail.blocks.ListBlock', (5,), {'label': 'numbers'}), 7: ('wagtail.blocks.StructBlock', [[('heading', 0), ('numbers', 6)]], {})}, verbose_name='other numbers')),
            ],
            options={
                'verbose_name': 'service phone numbers',
            },
            bases=(portal.models.base.CachedPageMixin, 'wagtailcore.page'),
        ),
        migrations.CreateModel(
            name='ServiceGuidePage',
            fields=[
                ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to=settings.WAGTAIL_PAGE_MODEL)),
                ('summary', models.CharField(blank=True, help_text='Shown in lists and search results.', max_length=200, verbose_name='in one sentence')),
                ('purpose', wagtail.fields.RichTextField(blank=True, verbose_name='what it is for')),
                ('eligibility', wagtail.fields.RichTextField(blank=True, verbose_name='who may apply')),
                ('steps', wagtail.fields.StreamField([('step', 2)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': 'what to do', 'max_length': 80}), 1: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link'], 'label': 'detail', 'required': False}), 2: ('wagtail.blocks.StructBlock', [[('title', 0), ('detail', 1)]], {})}, verbose_name='steps')),
                ('faqs', wagtail.fields.StreamField([('faq', 2)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': 'question', 'max_length': 160}), 1: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link'], 'label': 'answer'}), 2: ('wagtail.blocks.StructBlock', [[('question', 0), ('answer', 1)]], {})}, verbose_name='questions and answers')),
                ('contacts', wagtail.fields.StreamField([('contact', 4)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'label': 'office or person', 'max_length': 80}), 1: ('wagtail.blocks.CharBlock', (), {'label': 'phone', 'max_length': 30, 'required': False}), 2: ('wagtail.blocks.CharBlock', (), {'label': 'address', 'max_length': 200, 'required': False}), 3: ('wagtail.blocks.CharBlock', (), {'label': 'hours', 'max_length': 80, 'required': False}), 4: ('wagtail.blocks.StructBlock', [[('name', 0), ('phone', 1), ('address', 2), ('hours', 3)]], {})}, verbose_name='contacts')),
                ('search_keywords', models.CharField(blank=True, help_text='The words residents use for this service, separated by spaces, e.g. 低保 救济 困难补助. They rank like the title in search.', max_length=250, verbose_name='search keywords')),
                ('life_events', modelcluster.fields.ParentalManyToManyField(blank=True, related_name='guides', to='portal.lifeevent', verbose_name='life events')),
                ('service_item', models.ForeignKey(help_text='Materials, time limit, fee and where to apply are shown from this item.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='gov_services.serviceitem', verbose_name='catalogue item')),
            ],
            options={
                'verbose_name': 'service guide',
                'verbose_name_plural': 'service guides',
            },
            bases=(portal.models.base.CachedPageMixin, wagtail.contrib.routable_page.models.RoutablePageMixin, 'wagtailcore.page'),
        ),
    ]
